// Nothing tracewire was given is lost: log lines written just before SIGTERM, and one
// Sentry event per failing request however alike the failures are.
import { childProcessSuite, registerImport } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

describe.skipIf(!coreIsBuilt)('delivery', () => {
  const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });

  const env = () => ({ ...suite.sink.env, OTEL_SERVICE_NAME: 'fixture-delivery', TRACEWIRE_METRICS: 'none' });

  it('writes all 20,000 lines logged just before SIGTERM, then ends by the signal', async () => {
    // pino's destination writes 16 kB at a time; 20,000 lines are several megabytes.
    const count = 20_000;
    const app = await suite.startApp('http-app.mjs', { env: env(), nodeArgs: registerImport });
    expect(await (await fetch(`${app.url}/log-burst?count=${count}`)).text()).toBe(String(count));
    const exit = await app.exited;
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    const burst = app.lines().filter((line) => line.msg === 'burst line');
    expect(burst).toHaveLength(count);
    expect(new Set(burst.map((line) => line.index)).size).toBe(count);
  });

  it('writes every line logged before shutdown() before shutdown() resolves', async () => {
    const count = 20_000;
    const app = await suite.startApp('http-app.mjs', { env: env(), nodeArgs: registerImport });
    expect(await (await fetch(`${app.url}/log-then-shutdown?count=${count}`)).text()).toBe(String(count));
    await app.waitForLine((line) => line.msg === 'after shutdown');
    const lines = app.lines();
    const marker = lines.findIndex((line) => line.msg === 'after shutdown');
    expect(lines.slice(0, marker).filter((line) => line.msg === 'burst line')).toHaveLength(count);
  });

  it('gives five requests failing with the same error five Sentry events, each with its own trace ID', async () => {
    const app = await suite.startApp('http-app.mjs', { env: env(), nodeArgs: registerImport });
    for (let request = 0; request < 5; request += 1) {
      expect((await fetch(`${app.url}/fail/same`)).status).toBe(500);
    }
    const events = await suite.sink.waitFor((s) => {
      const same = s.sentry.events.filter(
        (event) => event.exception?.values?.[0]?.value === 'fixture failure for /fail/same',
      );
      return same.length >= 5 ? same : undefined;
    });
    const traceIds = events.map((event) => event.contexts?.trace?.trace_id);
    expect(new Set(traceIds).size).toBe(5);
    for (const traceId of traceIds) expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    // Each request's error log line names its own event, and carries that event's trace ID.
    for (const event of events) {
      const line = await app.waitForLine(
        (candidate) => candidate.msg === 'request failed' && candidate.sentry_event_id === event.event_id,
      );
      expect(line.trace_id).toBe(event.contexts?.trace?.trace_id);
    }
  });

  it('gives each request failing with one shared error object its own Sentry event', async () => {
    const app = await suite.startApp('http-app.mjs', { env: env(), nodeArgs: registerImport });
    for (let request = 0; request < 3; request += 1) {
      expect((await fetch(`${app.url}/fail-shared`)).status).toBe(500);
    }
    const events = await suite.sink.waitFor((s) => {
      const shared = s.sentry.events.filter(
        (event) => event.exception?.values?.[0]?.value === 'a shared, module-level failure',
      );
      return shared.length >= 3 ? shared : undefined;
    });
    expect(new Set(events.map((event) => event.contexts?.trace?.trace_id)).size).toBe(3);
    for (const event of events) {
      const line = await app.waitForLine(
        (candidate) => candidate.msg === 'request failed' && candidate.sentry_event_id === event.event_id,
      );
      expect(line.trace_id).toBe(event.contexts?.trace?.trace_id);
    }
  });

  it('gives one request that reports the same failure twice one Sentry event', async () => {
    const app = await suite.startApp('http-app.mjs', { env: env(), nodeArgs: registerImport });
    expect((await fetch(`${app.url}/report-twice`)).status).toBe(500);
    // A later, different request's event: once it is at the sink, so is everything before it.
    expect((await fetch(`${app.url}/fail/after`)).status).toBe(500);
    await suite.sink.waitFor((s) =>
      s.sentry.events.find(
        (event) => event.exception?.values?.[0]?.value === 'fixture failure for /fail/after',
      ),
    );
    const attempts = app.lines().filter((line) => line.msg === 'attempt failed');
    expect(attempts).toHaveLength(2);
    const traceId = attempts[0]?.trace_id;
    expect(attempts[1]?.trace_id).toBe(traceId);
    const events = suite.sink.sentry.events.filter((event) => event.contexts?.trace?.trace_id === traceId);
    expect(events.map((event) => event.exception?.values?.[0]?.value)).toEqual([
      'the same failure, twice in one request',
    ]);
  });
});
