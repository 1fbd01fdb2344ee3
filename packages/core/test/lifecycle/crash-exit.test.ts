// How a crashing service ends, with tracewire (Sentry on) and without it, in the same
// test: the exit code, what Node prints and whether the process keeps running must
// not change; tracewire only adds the Sentry event, delivered before the exit.
import { type ChildApp, childProcessSuite, registerImport } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

type Kind = 'rejection' | 'exception' | 'primitive';

/**
 * Node's fatal-error output without its first block, the source line the throw came
 * from: once the error's stack has been read (Sentry reads it to report), V8 can only
 * point at the line that raised it again.
 */
function withoutSourceLine(stderr: string): string {
  return stderr.replace(/^(?:file:\/\/|node:)[^\n]*:\d+\n[^\n]*\n[ \t]*\^\n\n/, '');
}

function normalised(stderr: string): string {
  return stderr.replace(/\(node:\d+\)/g, '(node:PID)');
}

describe.skipIf(!coreIsBuilt)('crashes end the process as they would without tracewire', () => {
  const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });

  async function start(withTracewire: boolean, nodeArgs: string[] = [], env: Record<string, string> = {}) {
    return suite.startApp('crash-app.mjs', {
      nodeArgs: [...nodeArgs, ...(withTracewire ? registerImport : [])],
      env: withTracewire
        ? { ...suite.sink.env, OTEL_SERVICE_NAME: 'fixture-crash', TRACEWIRE_METRICS: 'none', ...env }
        : env,
    });
  }

  async function crash(app: ChildApp, kind: Kind): Promise<void> {
    expect(await (await fetch(`${app.url}/crash?kind=${kind}`)).text()).toBe('crashing');
  }

  async function stderrContains(app: ChildApp, text: string): Promise<void> {
    await new Promise<void>((resolve) => {
      const check = () => {
        if (app.stderr().includes(text)) {
          app.child.stderr?.off('data', check);
          resolve();
        }
      };
      app.child.stderr?.on('data', check);
      check();
    });
  }

  function eventFor(message: string) {
    return suite.sink.sentry.events.find((event) => event.exception?.values?.[0]?.value === message);
  }

  it('exits 1 on an unhandled rejection, after its Sentry event is delivered', async () => {
    const plain = await start(false);
    await crash(plain, 'rejection');
    const plainExit = await plain.exited;

    const traced = await start(true);
    await crash(traced, 'rejection');
    const tracedExit = await traced.exited;
    // Delivered before the process ended: the sink already holds it when the exit is seen.
    const event = eventFor('fixture rejection crash');
    expect(event?.exception?.values?.[0]?.mechanism).toMatchObject({ handled: false });

    expect(plainExit).toEqual({ code: 1, signal: null });
    expect(tracedExit).toEqual(plainExit);
    expect(traced.stderr()).toContain('Error: fixture rejection crash\n    at fixtureFailure');
    expect(withoutSourceLine(traced.stderr())).toBe(withoutSourceLine(plain.stderr()));
  });

  it('prints exactly what Node prints for a rejection with a reason that is not an Error', async () => {
    const plain = await start(false);
    await crash(plain, 'primitive');
    const plainExit = await plain.exited;
    const traced = await start(true);
    await crash(traced, 'primitive');
    const tracedExit = await traced.exited;
    expect(suite.sink.sentry.events).toHaveLength(1);
    expect(plainExit).toEqual({ code: 1, signal: null });
    expect(tracedExit).toEqual(plainExit);
    expect(traced.stderr()).toBe(plain.stderr());
  });

  it('exits 1 with the stack on stderr on an uncaught exception, after its Sentry event is delivered', async () => {
    const plain = await start(false);
    await crash(plain, 'exception');
    const plainExit = await plain.exited;
    const traced = await start(true);
    await crash(traced, 'exception');
    const tracedExit = await traced.exited;
    const event = eventFor('fixture exception crash');
    expect(event?.level).toBe('fatal');
    expect(plainExit).toEqual({ code: 1, signal: null });
    expect(tracedExit).toEqual(plainExit);
    expect(traced.stderr()).toContain('Error: fixture exception crash\n    at fixtureFailure');
    expect(withoutSourceLine(traced.stderr())).toBe(withoutSourceLine(plain.stderr()));
  });

  it('honours --unhandled-rejections=strict', async () => {
    const args = ['--unhandled-rejections=strict'];
    const plain = await start(false, args);
    await crash(plain, 'rejection');
    const plainExit = await plain.exited;
    const traced = await start(true, args);
    await crash(traced, 'rejection');
    const tracedExit = await traced.exited;
    expect(eventFor('fixture rejection crash')).toBeDefined();
    expect(suite.sink.sentry.events).toHaveLength(1);
    expect(plainExit).toEqual({ code: 1, signal: null });
    expect(tracedExit).toEqual(plainExit);
    expect(withoutSourceLine(traced.stderr())).toBe(withoutSourceLine(plain.stderr()));
  });

  for (const [flag, how] of [
    [{ nodeArgs: ['--unhandled-rejections=warn'], env: {} }, 'on the command line'],
    [{ nodeArgs: [], env: { NODE_OPTIONS: '--unhandled-rejections=warn' } }, 'in NODE_OPTIONS'],
  ] as const) {
    it(`keeps running with --unhandled-rejections=warn ${how}, and Node's warning is unchanged`, async () => {
      const plain = await start(false, [...flag.nodeArgs], { ...flag.env });
      await crash(plain, 'rejection');
      await stderrContains(plain, 'UnhandledPromiseRejectionWarning: Unhandled promise rejection');
      expect(await (await fetch(plain.url)).text()).toBe('alive');

      const traced = await start(true, [...flag.nodeArgs], { ...flag.env });
      await crash(traced, 'rejection');
      await stderrContains(traced, 'UnhandledPromiseRejectionWarning: Unhandled promise rejection');
      await suite.sink.waitFor(() => eventFor('fixture rejection crash'));
      expect(await (await fetch(traced.url)).text()).toBe('alive');
      expect(normalised(traced.stderr())).toBe(normalised(plain.stderr()));

      for (const app of [plain, traced]) {
        app.kill('SIGTERM');
        expect(await app.exited).toEqual({ code: null, signal: 'SIGTERM' });
      }
    });
  }

  it('keeps running with --unhandled-rejections=warn-with-error-code, with exit code 1 set as without tracewire', async () => {
    const args = ['--unhandled-rejections=warn-with-error-code'];
    const plain = await start(false, args);
    await crash(plain, 'rejection');
    await stderrContains(plain, 'UnhandledPromiseRejectionWarning: Unhandled promise rejection');
    const traced = await start(true, args);
    await crash(traced, 'rejection');
    await stderrContains(traced, 'UnhandledPromiseRejectionWarning: Unhandled promise rejection');
    await suite.sink.waitFor(() => eventFor('fixture rejection crash'));
    for (const app of [plain, traced]) {
      expect(await (await fetch(`${app.url}/exit-code`)).text()).toBe('1');
    }
    // Node numbers rejections; the one tracewire raised again has the next number.
    const comparable = (stderr: string) =>
      normalised(stderr).replace(/\(rejection id: \d+\)/g, '(rejection id: N)');
    expect(comparable(traced.stderr())).toBe(comparable(plain.stderr()));
  });

  it("leaves the app's own unhandledRejection listener in charge, and still reports", async () => {
    const env = { FIXTURE_APP_REJECTION_LISTENER: '1' };
    const plain = await start(false, [], env);
    await crash(plain, 'rejection');
    await plain.waitForLine((line) => line.msg === 'app saw a rejection');
    expect(await (await fetch(plain.url)).text()).toBe('alive');

    const traced = await start(true, [], env);
    await crash(traced, 'rejection');
    await traced.waitForLine((line) => line.msg === 'app saw a rejection');
    await suite.sink.waitFor(() => eventFor('fixture rejection crash'));
    expect(await (await fetch(traced.url)).text()).toBe('alive');
    expect(traced.stderr()).toBe(plain.stderr());
  });

  it("leaves the app's own uncaughtException listener in charge, for exceptions and rejections", async () => {
    const env = { FIXTURE_APP_EXCEPTION_LISTENER: '1' };
    const traced = await start(true, [], env);
    await crash(traced, 'exception');
    await traced.waitForLine((line) => line.msg === 'app saw an exception');
    await crash(traced, 'rejection');
    // Node hands an unhandled rejection to uncaughtException listeners under `throw`.
    await traced.waitForLine(
      (line) => line.msg === 'app saw an exception' && /rejection/.test(String(line.reason)),
    );
    await suite.sink.waitFor(
      () => eventFor('fixture exception crash') && eventFor('fixture rejection crash'),
    );
    expect(await (await fetch(traced.url)).text()).toBe('alive');
    expect(traced.stderr()).toBe('');
  });
});
