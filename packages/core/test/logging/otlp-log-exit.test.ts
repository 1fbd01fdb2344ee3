// A process that runs out of work: the OTLP log worker must not keep it alive, and the
// lines it wrote are delivered on `beforeExit` before it ends, with the exit code plain
// Node gives it.
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChildApp, coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

const LINES = 1500;

describe.skipIf(!coreIsBuilt)(
  'a process that ends by itself, with OTLP log export (needs `pnpm build`)',
  () => {
    let sink: TestSink | undefined;
    let app: ChildApp | undefined;

    afterEach(async () => {
      if (app && app.child.exitCode === null && app.child.signalCode === null) {
        app.kill('SIGKILL');
        await app.exited;
      }
      app = undefined;
      await sink?.close();
      sink = undefined;
    });

    it('exits 0 on its own and delivers every line written before the event loop emptied', async () => {
      sink = await startTestSink();
      app = await startChildApp('otlp-log-exit-app.mjs', {
        nodeArgs: ['--import', '@tracewire/core/register'],
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: sink.env.OTEL_EXPORTER_OTLP_ENDPOINT,
          OTEL_SERVICE_NAME: 'otlp-log-exit',
          SENTRY_ENVIRONMENT: 'test',
          TRACEWIRE_METRICS: 'none',
          LINES: String(LINES),
        },
      });
      expect(await app.exited).toEqual({ code: 0, signal: null });
      expect(sink.logs.filter((log) => log.body === 'exit line')).toHaveLength(LINES);
    });
  },
);
