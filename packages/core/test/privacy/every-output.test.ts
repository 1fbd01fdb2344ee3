// Acceptance: every listed secret key, sent through every output, arrives masked. One
// table: each row is an output and a key. The outputs are real: a log line of a service
// started with `--import @tracewire/core/register`, its http-instrumentation server spans
// and undici client spans at the sink, a Sentry event at the sink, the config dump
// (`JSON.stringify(config)` and `tracewire config`) and a TW_* configuration message.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type ReceivedSpan, startTestSink, type TestSink } from '@tracewire/testing';
import type { Event } from '@sentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestObserver } from '../../src/adapter.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import {
  formatConfigIssues,
  initObservability,
  loadConfig,
  type ObservabilityHandle,
  SECRET_HEADER_NAMES,
  SECRET_KEYS,
} from '../../src/index.ts';
import { SECRET_QUERY_ONLY_KEYS } from '../../src/privacy/secret-keys.ts';
import { type ChildApp, coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

const fixturesDir = fileURLToPath(new URL('./fixtures', import.meta.url));

/** Keys that are secret in a URL's query string: every secret key, plus `code`, `key`, `sig`. */
const URL_KEYS = [...SECRET_KEYS, ...SECRET_QUERY_ONLY_KEYS];
const FILTERED = '%5BFiltered%5D';

/** A canary per key and output, so a leak names both. */
function canary(output: string, key: string): string {
  return `cnry${output}${key.replace(/[^a-z0-9]/gi, '')}zq`;
}
function canaries(output: string, keys: readonly string[]): Record<string, string> {
  return Object.fromEntries(keys.map((key) => [key, canary(output, key)]));
}
function queryOf(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

describe.skipIf(!coreIsBuilt)('every secret key in every output', () => {
  let sink: TestSink;
  let app: ChildApp;
  let handle: ObservabilityHandle;
  let server: http.Server;
  const sent: string[] = [];
  let logLine: {
    query: Record<string, unknown>;
    headers: Record<string, unknown>;
    body: Record<string, unknown>;
  };
  let serverSpan: ReceivedSpan;
  let clientSpan: ReceivedSpan;
  let event: Event;

  beforeAll(async () => {
    sink = await startTestSink();

    // A service with no adapter: log line, http-instrumentation server span, undici client span.
    app = await startChildApp('plain-http-app.mjs', {
      env: { ...sink.env, OTEL_SERVICE_NAME: 'privacy-plain-http', TRACEWIRE_METRICS: 'none' },
      nodeArgs: ['--import', '@tracewire/core/register'],
      fixtures: fixturesDir,
    });
    const logQuery = canaries('logq', SECRET_KEYS);
    const logHeaders = canaries('logh', SECRET_HEADER_NAMES);
    const logBody = canaries('logb', SECRET_KEYS);
    const spanQuery = canaries('span', URL_KEYS);
    sent.push(...Object.values(logQuery), ...Object.values(logHeaders), ...Object.values(logBody));
    sent.push(...Object.values(spanQuery));
    const echoed = await fetch(`${app.url}/echo?${queryOf(logQuery)}`, {
      method: 'POST',
      headers: { ...logHeaders, 'content-type': 'application/json' },
      body: JSON.stringify(logBody),
    });
    expect(await echoed.text()).toBe('logged');
    const called = await fetch(`${app.url}/call?${queryOf(spanQuery)}`);
    expect(await called.text()).toBe('200');
    logLine = (await app.waitForLine((line) => line.msg === 'request data')) as typeof logLine;
    // SIGTERM flushes the spans before the service exits.
    app.kill('SIGTERM');
    await app.exited;
    const spans = await sink.waitFor((s) => {
      const fromApp = s.spans.filter((span) => span.resource['service.name'] === 'privacy-plain-http');
      const serverCall = fromApp.find(
        (span) => span.kind === 'server' && span.attributes['url.path'] === '/call',
      );
      const client = fromApp.find((span) => span.kind === 'client');
      return serverCall && client ? { serverCall, client } : undefined;
    });
    serverSpan = spans.serverCall;
    clientSpan = spans.client;

    // A Sentry event describing a failed request, in this process.
    handle = initObservability({
      env: { ...sink.env, OTEL_SERVICE_NAME: 'privacy-sentry', TRACEWIRE_METRICS: 'none' },
      ignoredPaths: ['/v1/*', '/api/*'],
      logDestination: { write: () => true } as never,
      handleSignals: false,
    });
    const observer = createRequestObserver({ handle });
    server = http.createServer((request, response) => {
      const observed = observer.start({
        method: request.method,
        url: request.url,
        headers: request.headers,
        setResponseHeader: (name, value) => response.setHeader(name, value),
      });
      response.once('finish', () => observed.finish(response.statusCode));
      observed.run(() => {
        observed.setRoute('/orders');
        response.statusCode = 500;
        observed.fail(new Error('order store down'), 500);
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const eventQuery = canaries('evtq', URL_KEYS);
    const eventHeaders = canaries('evth', SECRET_HEADER_NAMES);
    sent.push(...Object.values(eventQuery), ...Object.values(eventHeaders));
    const failed = await fetch(
      `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders?${queryOf(eventQuery)}`,
      { headers: eventHeaders },
    );
    expect(failed.status).toBe(500);
    event = await sink.waitFor((s) =>
      s.sentry.events.find((candidate) => candidate.transaction === 'GET /orders'),
    );
    await handle.flush();
  });

  afterAll(async () => {
    if (app && app.child.exitCode === null && app.child.signalCode === null) {
      app.kill('SIGKILL');
      await app.exited;
    }
    if (server) await new Promise((resolve) => server.close(resolve));
    await handle?.shutdown();
    await sink?.close();
  });

  /** The config dump and `tracewire config` of an environment with the secret in URL query strings. */
  function configOutputs(key: string): { dump: string; cli: string; value: string } {
    const value = canary('conf', key);
    const env = {
      OTEL_SERVICE_NAME: 'privacy-config',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:4318/?${key}=${value}`,
      TRACEWIRE_GRAFANA_URL: `http://127.0.0.1:3000/?${key}=${value}`,
    };
    const result = loadConfig({ env });
    if (!result.ok) throw new Error(formatConfigIssues(result.issues));
    let cli = '';
    const code = runCli(['config'], env, {
      stdout: (text) => {
        cli += text;
      },
      stderr: (text) => {
        cli += text;
      },
      cwd: process.cwd(),
    });
    expect(code).toBe(0);
    return { dump: JSON.stringify(result.config), cli, value };
  }

  type Row = [output: string, key: string, check: (key: string) => void];
  const rows: Row[] = [
    ...SECRET_KEYS.map((key): Row => ['log line (query)', key, () => expect(logLine.query[key]).toBe('***')]),
    ...SECRET_KEYS.map((key): Row => ['log line (body)', key, () => expect(logLine.body[key]).toBe('***')]),
    ...SECRET_HEADER_NAMES.map(
      (name): Row => ['log line (headers)', name, () => expect(logLine.headers[name]).toBe('***')],
    ),
    ...URL_KEYS.map(
      (key): Row => [
        'http-instrumentation server span (url.query)',
        key,
        () => {
          expect(String(serverSpan.attributes['url.query'])).toContain(`${key}=${FILTERED}`);
          expect(JSON.stringify(serverSpan)).not.toContain(canary('span', key));
        },
      ],
    ),
    ...URL_KEYS.map(
      (key): Row => [
        'undici client span (url.full)',
        key,
        () => {
          expect(String(clientSpan.attributes['url.full'])).toContain(`${key}=${FILTERED}`);
          expect(JSON.stringify(clientSpan)).not.toContain(canary('span', key));
        },
      ],
    ),
    ...URL_KEYS.map(
      (key): Row => [
        'Sentry event (request.url)',
        key,
        () => {
          expect(event.request?.url).toContain(`${key}=${FILTERED}`);
          expect(JSON.stringify(event)).not.toContain(canary('evtq', key));
        },
      ],
    ),
    ...SECRET_HEADER_NAMES.map(
      (name): Row => [
        'Sentry event (request.headers)',
        name,
        () => {
          expect(Object.keys(event.request?.headers ?? {})).not.toContain(name);
          expect(JSON.stringify(event)).not.toContain(canary('evth', name));
        },
      ],
    ),
    ...URL_KEYS.map(
      (key): Row => [
        'config dump (JSON.stringify(config), tracewire config)',
        key,
        () => {
          const { dump, cli, value } = configOutputs(key);
          expect(dump).toContain(`${key}=***`);
          expect(cli).toContain(`${key}=***`);
          expect(dump).not.toContain(value);
          expect(cli).not.toContain(value);
        },
      ],
    ),
    ...URL_KEYS.map(
      (key): Row => [
        'error message (TW_CONFIG_INVALID_URL)',
        key,
        () => {
          const value = canary('error', key);
          const result = loadConfig({
            env: { OTEL_EXPORTER_OTLP_ENDPOINT: `collector:4318/?${key}=${value}` },
          });
          expect(result.ok).toBe(false);
          const message = result.ok ? '' : formatConfigIssues(result.issues);
          expect(message).toContain('TW_CONFIG_INVALID_URL');
          expect(message).toContain(`${key}=***`);
          expect(message).not.toContain(value);
        },
      ],
    ),
  ];

  // The sink's own descriptions: a `waitFor` timeout quotes the predicate's last error.
  const sinkRows: [output: string, key: string][] = URL_KEYS.map((key) => [
    '@tracewire/testing sink description (waitFor timeout)',
    key,
  ]);

  it.each(rows)('%s masks %s', (_output, key, check) => {
    check(key);
  });

  it.each(sinkRows)('%s masks %s', async (_output, key) => {
    const value = canary('sink', key);
    const quoted = SECRET_KEYS.includes(key) ? ` body {"${key}":"${value}"}` : '';
    const message = await sink
      .waitFor(
        () => {
          throw new Error(`GET /orders?${key}=${value} failed;${quoted}`);
        },
        { timeoutMs: 1 },
      )
      .then(
        () => '',
        (error: Error) => error.message,
      );
    expect(message).toContain(`${key}=***`);
    expect(message).not.toContain(value);
  });

  it('lets no canary reach the sink or the service output', () => {
    expect(sent.length).toBeGreaterThan(0);
    for (const value of sent) {
      expect(sink.grep(value), value).toEqual([]);
      expect(app.stdout() + app.stderr(), value).not.toContain(value);
    }
  });
});
