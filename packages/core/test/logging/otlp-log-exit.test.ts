// A process that runs out of work: the OTLP log worker must not keep it alive, and the
// lines it wrote are delivered on `beforeExit` before it ends, with the exit code plain
// Node gives it.
import { childProcessSuite, registerImport } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

const LINES = 1500;

describe.skipIf(!coreIsBuilt)(
  'a process that ends by itself, with OTLP log export (needs `pnpm build`)',
  () => {
    const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });

    it('exits 0 on its own and delivers every line written before the event loop emptied', async () => {
      const app = await suite.startApp('otlp-log-exit-app.mjs', {
        nodeArgs: registerImport,
        env: {
          OTEL_EXPORTER_OTLP_ENDPOINT: suite.sink.env.OTEL_EXPORTER_OTLP_ENDPOINT,
          OTEL_SERVICE_NAME: 'otlp-log-exit',
          SENTRY_ENVIRONMENT: 'test',
          TRACEWIRE_METRICS: 'none',
          LINES: String(LINES),
        },
      });
      expect(await app.exited).toEqual({ code: 0, signal: null });
      expect(suite.sink.logs.filter((log) => log.body === 'exit line')).toHaveLength(LINES);
    });
  },
);
