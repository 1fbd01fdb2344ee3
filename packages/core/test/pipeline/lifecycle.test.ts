// Signals and exit codes, tested in child processes because that is where they break.
import { childProcessSuite, registerImport } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

describe.skipIf(!coreIsBuilt)('shutdown on signals', () => {
  const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });

  const env = () => ({
    ...suite.sink.env,
    TRACEWIRE_METRICS: 'none',
    OTEL_SERVICE_NAME: 'fixture-lifecycle',
  });

  it('delivers all 200 captured errors before the process exits on SIGTERM', async () => {
    const app = await suite.startApp('http-app.mjs', { env: env(), nodeArgs: registerImport });
    expect(await (await fetch(`${app.url}/capture?count=200`)).text()).toBe('200');
    app.kill('SIGTERM');
    const exit = await app.exited;
    // Exactly what Node does on SIGTERM with no handler of the app's own.
    expect(exit).toEqual({ code: null, signal: 'SIGTERM' });
    const messages = new Set(
      suite.sink.sentry.events
        .map((event) => event.exception?.values?.[0]?.value)
        .filter((value) => value !== undefined),
    );
    expect(messages.size).toBe(200);
  });

  it('keeps flushing when a second, different signal arrives during shutdown', async () => {
    const app = await suite.startApp('http-app.mjs', { env: env(), nodeArgs: registerImport });
    // Spans wait in the batch queue (5 s), so only the shutdown flush can deliver them.
    await fetch(`${app.url}/hello`);
    app.kill('SIGINT');
    app.kill('SIGTERM');
    const exit = await app.exited;
    expect(exit.code).toBeNull();
    expect(['SIGINT', 'SIGTERM']).toContain(exit.signal);
    expect(
      suite.sink.spans.filter((span) => span.kind === 'server' && span.receiver === 'otlp'),
    ).toHaveLength(1);
  });

  it("leaves the exit to the app's own SIGTERM handler and still flushes", async () => {
    const app = await suite.startApp('http-app.mjs', {
      env: { ...env(), FIXTURE_OWN_SIGTERM: '1' },
      nodeArgs: registerImport,
    });
    await fetch(`${app.url}/capture?count=3`);
    app.kill('SIGTERM');
    const exit = await app.exited;
    expect(exit).toEqual({ code: 7, signal: null });
    expect(app.stdout()).toContain('app handled SIGTERM');
    expect(suite.sink.sentry.events).toHaveLength(3);
  });

  it('exits the same way without tracewire (baseline for the two tests above)', async () => {
    let app = await suite.startApp('http-app.mjs', { env: { FIXTURE_OWN_SIGTERM: '1' } });
    app.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: 7, signal: null });
    app = await suite.startApp('http-app.mjs', { env: {} });
    app.kill('SIGTERM');
    expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });
});
