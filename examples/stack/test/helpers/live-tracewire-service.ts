// A plain node:http service instrumented the way tracewire's framework adapters do it,
// serving its metrics on an ephemeral Prometheus port: the real source of the metric
// names the dashboards query.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import { createRequestObserver } from '@tracewire/core/adapter';

export interface LiveTracewireService {
  /** OTEL_SERVICE_NAME of the service. */
  serviceName: string;
  /** The route template every matched request is recorded under. */
  route: string;
  baseUrl: string;
  metricsEndpoint: { port: number; url: string };
  handle: ObservabilityHandle;
  /** Sends requests: `ok` answered 200, `failing` answered 500. */
  drive(counts: { ok: number; failing: number }): Promise<void>;
  scrape(): Promise<string>;
  close(): Promise<void>;
}

export async function startLiveTracewireService(
  serviceName = 'stack-test-api',
): Promise<LiveTracewireService> {
  const route = '/orders/:id';
  const handle = initObservability({
    env: {
      OTEL_SERVICE_NAME: serviceName,
      SENTRY_ENVIRONMENT: 'development',
      SENTRY_RELEASE: `${serviceName}@1.0.0`,
      TRACEWIRE_METRICS: 'prometheus',
      TRACEWIRE_PROMETHEUS_PORT: '0',
    },
    // The log lines are not what these tests look at.
    logDestination: new Writable({ write: (_chunk, _encoding, done) => done() }),
    handleSignals: false,
  });
  const observer = createRequestObserver({ handle });
  const server = http.createServer((request, response) => {
    const observed = observer.start({
      method: request.method,
      url: request.url,
      headers: request.headers,
      setResponseHeader: (name, value) => response.setHeader(name, value),
    });
    response.once('finish', () => observed.finish(response.statusCode));
    observed.run(() => {
      const match = /^\/orders\/([^/?]+)/.exec(request.url ?? '');
      if (!match) {
        response.statusCode = 404;
        response.end();
        return;
      }
      observed.setRoute(route);
      if (match[1] === 'broken') {
        response.statusCode = 500;
        observed.fail(new Error('order store unavailable'), 500);
        response.end();
        return;
      }
      response.end(match[1]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const endpoint = await handle.metricsEndpoint();
  if (!endpoint) {
    await handle.shutdown();
    server.close();
    throw new Error('tracewire did not start its Prometheus endpoint');
  }
  const metricsEndpoint = { port: endpoint.port, url: `http://127.0.0.1:${endpoint.port}/metrics` };

  return {
    serviceName,
    route,
    baseUrl,
    metricsEndpoint,
    handle,
    async drive({ ok, failing }) {
      for (let i = 0; i < ok; i++) await (await fetch(`${baseUrl}/orders/${i}`)).arrayBuffer();
      for (let i = 0; i < failing; i++) await (await fetch(`${baseUrl}/orders/broken`)).arrayBuffer();
    },
    async scrape() {
      const response = await fetch(metricsEndpoint.url);
      if (!response.ok) throw new Error(`GET ${metricsEndpoint.url} answered ${response.status}`);
      return response.text();
    },
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await handle.shutdown();
    },
  };
}

/** One scraped sample: metric name and labels (values unescaped enough for comparison). */
export interface ScrapedSample {
  name: string;
  labels: Record<string, string>;
}

/** Parses Prometheus text exposition into samples. */
export function parseExposition(text: string): ScrapedSample[] {
  const samples: ScrapedSample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+\S+/.exec(line);
    if (!match) continue;
    const labels: Record<string, string> = {};
    for (const pair of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[pair[1] as string] = (pair[2] as string).replace(/\\(.)/g, '$1');
    }
    samples.push({ name: match[1] as string, labels });
  }
  return samples;
}
