// A 100,000-line burst against receivers that answer slowly, refuse connections or
// answer 429, in a child process started with `--import @tracewire/core/register`. The
// service must stay responsive and alive, and its own counts must add up:
// delivered + dropped = written. Event-loop delay is reported, never asserted.
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildApp, coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

interface ServiceStats {
  counts: { written: number; delivered: number; dropped: number; queued: number };
  dropped: { logs: number };
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

const BURST = 100_000;
const REGISTER = ['--import', '@tracewire/core/register'];

async function getJson(url: string): Promise<ServiceStats> {
  const response = await fetch(url);
  expect(response.status).toBe(200);
  return (await response.json()) as ServiceStats;
}

describe.skipIf(!coreIsBuilt)('a 100,000-line burst with OTLP log export (needs `pnpm build`)', () => {
  let sink: TestSink | undefined;
  let app: ChildApp | undefined;

  afterEach(async () => {
    if (app && app.child.exitCode === null && app.child.signalCode === null) {
      app.kill('SIGTERM');
      await app.exited;
    }
    app = undefined;
    await sink?.close();
    sink = undefined;
  });

  it.each([
    {
      receiver: 'answering slowly',
      failure: 'hang' as const,
      // Held requests are answered once released: a receiver that is slow, not dead.
      release: true,
    },
    { receiver: 'refusing connections', failure: 'refuse' as const, release: false },
    { receiver: 'answering 429', failure: { status: 429, retryAfterSeconds: 1 }, release: true },
  ])(
    'stays responsive with a receiver $receiver, and delivered + dropped = written',
    async ({ failure, release }) => {
      sink = await startTestSink();
      await sink.setFailure(failure, { target: failure === 'refuse' ? 'all' : 'otlp' });
      app = await startChildApp('otlp-log-app.mjs', {
        nodeArgs: REGISTER,
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: sink.env.OTEL_EXPORTER_OTLP_ENDPOINT,
          OTEL_SERVICE_NAME: 'otlp-log-burst',
          SENTRY_ENVIRONMENT: 'test',
          TRACEWIRE_METRICS: 'none',
          OTEL_BLRP_EXPORT_TIMEOUT: '5000',
        },
      });

      const burst = await getJson(`${app.url}/burst?count=${BURST}`);
      // Right after the burst, while the receiver misbehaves, the service answers.
      const ping = await fetch(`${app.url}/ping`);
      expect(await ping.text()).toBe('pong');
      // Never more than the queue limit waits; the rest is dropped and counted at once.
      expect(burst.counts.queued).toBeLessThanOrEqual(2048);
      expect(burst.counts.written).toBe(burst.counts.delivered + burst.counts.dropped + burst.counts.queued);

      if (release) {
        await sink.waitFor((s) => s.requests.some((request) => request.endpoint === 'logs'));
        await sink.setFailure('none');
      }
      const settled = await getJson(`${app.url}/flush?timeout=20000`);
      console.log(
        `burst of ${BURST} lines, receiver ${JSON.stringify(failure)}: event-loop delay p99 ${settled.eventLoopDelayP99Ms.toFixed(1)} ms (max ${settled.eventLoopDelayMaxMs.toFixed(1)} ms, burst to settled), written ${settled.counts.written}, delivered ${settled.counts.delivered}, dropped ${settled.counts.dropped}`,
      );
      expect(settled.counts.queued).toBe(0);
      expect(settled.counts.delivered + settled.counts.dropped).toBe(settled.counts.written);
      expect(settled.dropped.logs).toBe(settled.counts.dropped);
      expect(settled.counts.written).toBeGreaterThanOrEqual(BURST);
      expect(settled.counts.dropped).toBeGreaterThan(0);
      if (failure === 'refuse') expect(settled.counts.delivered).toBe(0);
      else expect(settled.counts.delivered).toBe(sink.logs.length);

      // Alive and well: still answering, and every burst line reached stdout.
      expect(await (await fetch(`${app.url}/ping`)).text()).toBe('pong');
      await app.waitForLine((line) => line.msg === 'burst line' && line.index === BURST - 1, 30_000);
      expect(app.lines().filter((line) => line.msg === 'burst line')).toHaveLength(BURST);
      expect(app.child.exitCode).toBeNull();
    },
    90_000,
  );
});
