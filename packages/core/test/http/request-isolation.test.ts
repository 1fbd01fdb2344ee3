// What a handler writes to Sentry's scopes (`Sentry.setUser`, breadcrumbs, tags) belongs
// to its own request: two requests in flight at the same time each get an event with
// their own user, breadcrumbs and tags and none of the other's, a request that writes
// nothing gets none of theirs, and nothing leaks onto the process-wide scope.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as Sentry from '@sentry/node';
import type { TestSink } from '@tracewire/testing';
import { memoryDestination, startTracedSink, type TracedSink } from '@tracewire/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestObserver } from '../../src/adapter.ts';
import { initObservability, type ObservabilityHandle } from '../../src/index.ts';

describe('Sentry scope per request', () => {
  let sink: TestSink;
  let traced: TracedSink<ObservabilityHandle>;
  let server: http.Server;
  let baseUrl: string;
  // Each writing request waits, after writing, until the other one has written too, so
  // both requests' writes happen while both are in flight.
  const written = new Map<string, () => void>();
  const bothWritten = new Map<string, Promise<void>>();
  for (const name of ['alice', 'bob']) {
    bothWritten.set(name, new Promise<void>((resolve) => written.set(name, resolve)));
  }
  const other = (name: string) => (name === 'alice' ? 'bob' : 'alice');

  beforeAll(async () => {
    traced = await startTracedSink({
      init: initObservability,
      serviceName: 'isolation-test',
      logs: memoryDestination(),
    });
    ({ sink } = traced);
    const observer = createRequestObserver({ handle: traced.handle, accessLog: false });
    server = http.createServer((request, response) => {
      const observed = observer.start({
        method: request.method,
        url: request.url,
        headers: request.headers,
        response,
      });
      observed.run(async () => {
        observed.setRoute('/as/:name');
        const name = /^\/as\/([^/?]+)/.exec(request.url ?? '')?.[1] ?? 'nobody';
        if (name !== 'nobody') {
          Sentry.setUser({ id: name });
          Sentry.addBreadcrumb({ category: 'test', message: `crumb of ${name}` });
          Sentry.setTag('who', name);
          written.get(name)?.();
          await bothWritten.get(other(name));
        }
        response.statusCode = 500;
        observed.fail(new Error(`failure of ${name}`), 500);
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await traced.close();
  });

  it('gives each request its own user, breadcrumbs and tags, never another request’s', async () => {
    const [alice, bob] = await Promise.all([fetch(`${baseUrl}/as/alice`), fetch(`${baseUrl}/as/bob`)]);
    expect([alice.status, bob.status]).toEqual([500, 500]);
    const nobody = await fetch(`${baseUrl}/as/nobody`);
    expect(nobody.status).toBe(500);

    const eventOf = (name: string) =>
      sink.waitFor(
        (s) => s.sentry.events.find((event) => event.exception?.values?.[0]?.value === `failure of ${name}`),
        { description: `the event of ${name}` },
      );
    const events = {
      alice: await eventOf('alice'),
      bob: await eventOf('bob'),
      nobody: await eventOf('nobody'),
    };
    for (const name of ['alice', 'bob'] as const) {
      const event = events[name];
      expect(event.user?.id).toBe(name);
      expect(event.tags?.who).toBe(name);
      const crumbs = (event.breadcrumbs ?? []).map((crumb) => crumb.message);
      expect(crumbs).toContain(`crumb of ${name}`);
      expect(crumbs).not.toContain(`crumb of ${other(name)}`);
      // The request's own tags are still there next to the handler's.
      expect(event.tags?.['http.route']).toBe('/as/:name');
    }
    expect(events.nobody.user?.id).toBeUndefined();
    expect(events.nobody.tags?.who).toBeUndefined();
    expect((events.nobody.breadcrumbs ?? []).map((crumb) => crumb.message)).not.toEqual(
      expect.arrayContaining([expect.stringMatching(/^crumb of /)]),
    );
    // Nothing a request wrote reached the process-wide scope.
    expect(Sentry.getIsolationScope().getUser()).toEqual({});
    expect(Sentry.getIsolationScope().getScopeData().breadcrumbs).toEqual([]);
  });
});
