// The detected shutdown budget, end to end: a child process on Railway's variables with a
// backend that never answers must give up inside Railway's kill window.
import { childProcessSuite, registerImport } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

describe.skipIf(!coreIsBuilt)('shutdown budget on a detected platform', () => {
  const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });

  it('gives up on a hanging OTLP backend within Railway’s 3 s window and exits by SIGTERM', async () => {
    await suite.sink.setFailure('hang', { target: 'otlp' });
    const app = await suite.startApp('http-app.mjs', {
      env: {
        ...suite.sink.env,
        TRACEWIRE_METRICS: 'none',
        OTEL_SERVICE_NAME: 'fixture-railway',
        RAILWAY_ENVIRONMENT_NAME: 'production',
      },
      nodeArgs: registerImport,
    });
    await fetch(`${app.url}/hello`);
    app.kill('SIGTERM');
    const exit = await app.exited;
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    const lines = app.stdout().split('\n');
    const timeout = lines.find((line) => line.includes('"code":"TW_SHUTDOWN_TIMEOUT"'));
    expect(timeout).toBeDefined();
    // The budget the flush was given: Railway's 3 s window less the 500 ms exit margin.
    expect(JSON.parse(timeout ?? '{}').msg).toMatch(/\b2500 ms\b/);
    // The process itself waits out the 2.5 s budget; the limit only covers a slow machine.
  }, 30_000);
});
