// Lines written just before SIGTERM: every one reaches the OTLP receiver and stdout, and
// the process still ends by SIGTERM, as the same app does without tracewire. N is below
// the queue limit (2048) and well above one batch (512), so the worker holds several
// batches when the signal arrives and must be drained, not terminated.
import { type ChildApp, childProcessSuite, registerImport } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

const N = 1800;

describe.skipIf(!coreIsBuilt)('SIGTERM with OTLP log export (needs `pnpm build`)', () => {
  const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });

  const burstThenSigterm = async (running: ChildApp) => {
    const response = await fetch(`${running.url}/burst?count=${N}`);
    expect(response.status).toBe(200);
    await response.text();
    running.kill('SIGTERM');
    return running.exited;
  };

  it(`delivers N of N lines to the receiver and to stdout, and exits by SIGTERM as without tracewire`, async () => {
    const plain = await suite.startApp('otlp-log-app.mjs', { env: {} });
    const plainExit = await burstThenSigterm(plain);
    expect(plainExit).toEqual({ code: null, signal: 'SIGTERM' });

    const running = await suite.startApp('otlp-log-app.mjs', {
      nodeArgs: registerImport,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: suite.sink.env.OTEL_EXPORTER_OTLP_ENDPOINT,
        OTEL_SERVICE_NAME: 'otlp-log-sigterm',
        SENTRY_ENVIRONMENT: 'test',
        TRACEWIRE_METRICS: 'none',
      },
    });
    expect(await burstThenSigterm(running)).toEqual(plainExit);

    const received = suite.sink.logs.filter((log) => log.body === 'burst line');
    expect(received).toHaveLength(N);
    expect(new Set(received.map((log) => log.attributes.index)).size).toBe(N);
    expect(running.lines().filter((line) => line.msg === 'burst line')).toHaveLength(N);
  }, 60_000);
});
