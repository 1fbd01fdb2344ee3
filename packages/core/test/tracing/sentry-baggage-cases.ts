// What a downstream service receives from a request tracewire followed: a real app server
// (followed by the request observer) calling a real downstream server on 127.0.0.1, once
// with fetch (undici) and once with node:http, and what reaches the sink from Sentry.
// One rate per test file: node:http is patched once per process.
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestObserver } from '../../src/adapter.ts';
import { initObservability, type ObservabilityHandle } from '../../src/index.ts';
import { memoryDestination } from '@tracewire/testing/fixtures';

interface Received {
  path: string;
  baggage: string | undefined;
  sentryTrace: string | undefined;
  traceparent: string | undefined;
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/** `sentry-*` members of a baggage header, decoded, as a Sentry SDK reads them. */
export function sentryEntries(baggage: string | undefined): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const member of (baggage ?? '').split(',')) {
    const separator = member.indexOf('=');
    const key = member.slice(0, separator);
    if (key.startsWith('sentry-')) entries[key] = decodeURIComponent(member.slice(separator + 1));
  }
  return entries;
}

function foreignMembers(baggage: string | undefined): string[] {
  return (baggage ?? '').split(',').filter((member) => member !== '' && !member.startsWith('sentry-'));
}

export async function startDownstream() {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    received.push({
      path: request.url ?? '',
      baggage: header(request.headers.baggage),
      sentryTrace: header(request.headers['sentry-trace']),
      traceparent: header(request.headers.traceparent),
    });
    response.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * A node:http GET through the module as a service loads it after tracewire started: the
 * http instrumentation patches node:http when it is required, and this file's own import
 * came first.
 */
function httpGet(url: string): Promise<void> {
  const instrumentedHttp = createRequire(import.meta.url)('node:http') as typeof http;
  return new Promise((resolve, reject) => {
    instrumentedHttp
      .get(url, (response) => {
        response.resume();
        response.on('end', () => resolve());
      })
      .on('error', reject);
  });
}

/** The app: `/users/:id` calls the downstream with both clients; `/boom` also fails. */
export async function startApp(handle: ObservabilityHandle, downstreamUrl: string) {
  const observer = createRequestObserver({ handle });
  const server = http.createServer((request, response) => {
    const observed = observer.start({
      method: request.method,
      url: request.url,
      headers: request.headers,
      setResponseHeader: (name, value) => response.setHeader(name, value),
    });
    response.once('finish', () => observed.finish(response.statusCode));
    observed.run(async () => {
      const tag = new URL(request.url ?? '/', 'http://app').searchParams.get('tag') ?? 'none';
      if (request.url?.startsWith('/early')) {
        // Before the router: the route (and so the transaction) is not known yet.
        await fetch(`${downstreamUrl}/fetch/${tag}`);
        response.end();
        return;
      }
      observed.setRoute(request.url?.startsWith('/boom') ? '/boom' : '/users/:id');
      await fetch(`${downstreamUrl}/fetch/${tag}`);
      await httpGet(`${downstreamUrl}/http/${tag}`);
      if (request.url?.startsWith('/boom')) {
        response.statusCode = 500;
        observed.fail(new Error(`boom ${tag}`), 500);
      }
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/**
 * The test's own requests to the app, sent untraced: this process runs tracewire, and a
 * traced fetch would replace the incoming headers a test sets with its own.
 */
export function send(url: string, init?: RequestInit): Promise<Response> {
  return context.with(suppressTracing(context.active()), () => fetch(url, init));
}

function traceOf(response: Response): { traceId: string; spanId: string; flags: string } {
  const [, traceId = '', spanId = '', flags = ''] = (response.headers.get('traceresponse') ?? '').split('-');
  return { traceId, spanId, flags };
}

/** The cases for one `SENTRY_TRACE_SAMPLE_RATE`: 1 (every trace sampled) or 0 (none). */
export function describeSentryBaggage(rate: 0 | 1): void {
  describe(`Sentry baggage on outgoing requests (SENTRY_TRACE_SAMPLE_RATE=${rate})`, () => {
    let sink: TestSink;
    let handle: ObservabilityHandle;
    let downstream: Awaited<ReturnType<typeof startDownstream>>;
    let app: Awaited<ReturnType<typeof startApp>>;
    const sampled = rate === 1;

    beforeAll(async () => {
      sink = await startTestSink();
      downstream = await startDownstream();
      handle = initObservability({
        env: {
          ...sink.env,
          OTEL_SERVICE_NAME: 'baggage-test',
          SENTRY_ENVIRONMENT: 'staging',
          SENTRY_RELEASE: 'shop@1.4.0',
          SENTRY_TRACE_SAMPLE_RATE: String(rate),
          TRACEWIRE_METRICS: 'none',
        },
        logDestination: memoryDestination(),
        handleSignals: false,
      });
      app = await startApp(handle, downstream.url);
    });

    afterAll(async () => {
      await app?.close();
      await handle?.shutdown();
      await downstream?.close();
      await sink?.close();
    });

    const receivedFor = (tag: string) => downstream.received.filter((call) => call.path.endsWith(`/${tag}`));

    it('heads the trace: fetch and node:http both carry every sentry-* entry', async () => {
      const { traceId, flags } = traceOf(await send(`${app.url}/users/42?tag=new`));
      expect(flags).toBe(sampled ? '01' : '00');
      const calls = receivedFor('new');
      expect(calls.map((call) => call.path)).toEqual(['/fetch/new', '/http/new']);
      for (const call of calls) {
        const entries = sentryEntries(call.baggage);
        expect(entries, call.path).toEqual({
          'sentry-trace_id': traceId,
          'sentry-public_key': sink.publicKey,
          'sentry-environment': 'staging',
          'sentry-release': 'shop@1.4.0',
          'sentry-sample_rate': String(rate),
          'sentry-sampled': String(sampled),
          'sentry-sample_rand': expect.stringMatching(/^0\.\d{6}$/),
          'sentry-transaction': 'GET /users/:id',
        });
        // The decision, the flag in sentry-trace and sample_rand all agree.
        expect(Number(entries['sentry-sample_rand']) < rate).toBe(sampled);
        expect(call.sentryTrace?.split('-')[0]).toBe(traceId);
        expect(call.sentryTrace?.split('-')[2]).toBe(sampled ? '1' : '0');
        expect(call.traceparent?.split('-')[3]).toBe(sampled ? '01' : '00');
        // The raw URL never names the transaction. (Its path, not a bare '42', which the
        // random trace ID, public key or sample_rand contain about one run in four.)
        expect(decodeURIComponent(call.baggage ?? '')).not.toContain('/users/42');
      }
      // One value per trace, whichever client sent it.
      expect(sentryEntries(calls[0]?.baggage)).toEqual(sentryEntries(calls[1]?.baggage));
    });

    it('names no transaction before the route is known', async () => {
      await send(`${app.url}/early?tag=early`);
      const [call] = receivedFor('early');
      expect(sentryEntries(call?.baggage)['sentry-public_key']).toBe(sink.publicKey);
      expect(sentryEntries(call?.baggage)['sentry-transaction']).toBeUndefined();
    });

    it('continues an upstream trace: its sentry-* entries unchanged, foreign members untouched', async () => {
      const upstreamTrace = '0af7651916cd43dd8448eb211c80319c';
      const upstreamSentry = [
        `sentry-trace_id=${upstreamTrace}`,
        'sentry-public_key=upstreampublickey',
        'sentry-sample_rate=0.25',
        `sentry-sampled=${sampled}`,
        'sentry-sample_rand=0.111111',
        'sentry-environment=edge',
        'sentry-transaction=POST%20%2Fcheckout',
      ];
      const foreign = ['vendor=abc;prop=1', 'tenant=t%2042'];
      const incoming = [foreign[0], ...upstreamSentry, foreign[1]].join(',');
      await send(`${app.url}/users/7?tag=continued`, {
        headers: {
          'sentry-trace': `${upstreamTrace}-b7ad6b7169203331-${sampled ? '1' : '0'}`,
          baggage: incoming,
        },
      });
      for (const call of receivedFor('continued')) {
        expect(call.sentryTrace?.split('-')[0]).toBe(upstreamTrace);
        expect(call.baggage, call.path).toBe(incoming);
        expect(foreignMembers(call.baggage)).toEqual(foreign);
      }
      expect(receivedFor('continued')).toHaveLength(2);
    });

    it('adds its own sampling context beside foreign members when the upstream sent none', async () => {
      const upstreamTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
      await send(`${app.url}/users/8?tag=otel`, {
        headers: {
          traceparent: `00-${upstreamTrace}-00f067aa0ba902b7-${sampled ? '01' : '00'}`,
          baggage: 'userId=alice',
        },
      });
      for (const call of receivedFor('otel')) {
        expect(foreignMembers(call.baggage)).toEqual(['userId=alice']);
        const entries = sentryEntries(call.baggage);
        expect(entries['sentry-trace_id']).toBe(upstreamTrace);
        expect(entries['sentry-public_key']).toBe(sink.publicKey);
        expect(entries['sentry-sampled']).toBe(String(sampled));
        // The upstream decided; sample_rand still agrees with that decision at this rate.
        expect(Number(entries['sentry-sample_rand']) < rate).toBe(sampled);
      }
    });

    it('sends its Sentry events with the same sampling context in the envelope header', async () => {
      const { traceId } = traceOf(await send(`${app.url}/boom?tag=boom`));
      const envelope = await sink.waitFor((s) =>
        s.sentry.envelopes.find((candidate) =>
          candidate.items.some(
            (item) =>
              item.type === 'event' &&
              (item.payload as { contexts?: { trace?: { trace_id?: string } } }).contexts?.trace?.trace_id ===
                traceId,
          ),
        ),
      );
      const [call] = receivedFor('boom');
      const expected = Object.fromEntries(
        Object.entries(sentryEntries(call?.baggage)).map(([key, value]) => [
          key.slice('sentry-'.length),
          value,
        ]),
      );
      expect(expected.transaction).toBe('GET /boom');
      expect(envelope.headers.trace).toEqual(expected);
    });
  });
}
