// Sentry's SDK loads only when the Sentry pipeline starts: a service without a DSN loads
// none of its modules, and an app that uses `@sentry/node` itself gets the very module
// tracewire uses, in either module system. Every module the child loads is recorded by a
// `module.registerHooks()` load hook preloaded before tracewire.
import { fileURLToPath } from 'node:url';
import { type ChildApp, childProcessSuite } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

const recorder = fileURLToPath(new URL('../fixtures/record-loaded-modules.cjs', import.meta.url));

interface StartMode {
  name: string;
  moduleSystem: 'esm' | 'cjs';
  nodeArgs: string[];
  env: Record<string, string>;
}

const START_MODES: StartMode[] = [
  {
    name: 'an ESM app started with --import @tracewire/core/register',
    moduleSystem: 'esm',
    nodeArgs: ['--import', recorder, '--import', '@tracewire/core/register'],
    env: {},
  },
  {
    name: 'an ESM app calling initObservability()',
    moduleSystem: 'esm',
    nodeArgs: ['--import', recorder],
    env: { FIXTURE_INIT: '1' },
  },
  {
    name: 'a CommonJS app started with --require @tracewire/core/register',
    moduleSystem: 'cjs',
    nodeArgs: ['--require', recorder, '--require', '@tracewire/core/register'],
    env: {},
  },
  {
    name: 'a CommonJS app calling initObservability()',
    moduleSystem: 'cjs',
    nodeArgs: ['--require', recorder],
    env: { FIXTURE_INIT: '1' },
  },
];

// A CommonJS app preloaded with the ES module register entry: tracewire runs from its ESM
// build there (and loads Sentry's ESM build), while the app's own `require` gets CommonJS.
const COMMONJS_APP_WITH_IMPORT: StartMode = {
  name: 'a CommonJS app started with --import @tracewire/core/register',
  moduleSystem: 'cjs',
  nodeArgs: ['--import', recorder, '--import', '@tracewire/core/register'],
  env: {},
};

const SENTRY_MODULE = /\/node_modules\/@sentry\/([^/]+)\//;

/** What the app's load hook recorded: every module, and those of Sentry's packages. */
async function loadedModules(app: ChildApp): Promise<{ all: string[]; sentry: string[] }> {
  const all = (await (await fetch(`${app.url}/modules`)).json()) as string[] | null;
  if (all === null) throw new Error('the module recorder was not preloaded');
  return { all, sentry: all.filter((url) => SENTRY_MODULE.test(url)) };
}

/** Which builds of `@sentry/node` the process loaded: `esm`, `cjs`, or both (two SDKs). */
function sentryNodeBuilds(sentryModules: string[]): string[] {
  const builds = sentryModules.flatMap((url) => /\/@sentry\/node\/build\/(esm|cjs)\//.exec(url)?.[1] ?? []);
  return [...new Set(builds)].sort();
}

describe.skipIf(!coreIsBuilt)('Sentry SDK loading', () => {
  const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });

  const env = (mode: StartMode, sentryDsn: string) => ({
    ...suite.sink.env,
    ...mode.env,
    SENTRY_DSN: sentryDsn,
    TRACEWIRE_METRICS: 'none',
    OTEL_SERVICE_NAME: 'fixture-sentry-loading',
  });

  describe.each(START_MODES.concat(COMMONJS_APP_WITH_IMPORT))('$name', (mode) => {
    const script = `app-without-sentry.${mode.moduleSystem === 'esm' ? 'mjs' : 'cjs'}`;

    it('loads no Sentry module without a DSN, and still serves, traces and logs', async () => {
      const app = await suite.startApp(script, { env: env(mode, ''), nodeArgs: mode.nodeArgs });
      const response = await fetch(`${app.url}/work`);
      expect(response.status).toBe(200);
      const fields = (await response.json()) as { trace_id?: string };
      expect(fields.trace_id).toMatch(/^[0-9a-f]{32}$/);
      const line = await app.waitForLine((candidate) => candidate.msg === 'handled');
      expect(line.trace_id).toBe(fields.trace_id);

      const modules = await loadedModules(app);
      // The recorder saw tracewire itself load: an empty Sentry list is a real measurement.
      expect(modules.all.some((url) => url.includes('/packages/core/dist/'))).toBe(true);
      expect(modules.sentry).toEqual([]);
    });

    it('loads Sentry, one build of it and unwrapped, once a DSN is set', async () => {
      const app = await suite.startApp(script, {
        env: env(mode, suite.sink.env.SENTRY_DSN),
        nodeArgs: mode.nodeArgs,
      });
      const modules = await loadedModules(app);
      const packages = new Set(modules.sentry.map((url) => SENTRY_MODULE.exec(url)?.[1]));
      expect([...packages]).toEqual(expect.arrayContaining(['node', 'core']));
      // The build of tracewire that initialised decides: its ESM build loads Sentry's ESM build.
      const tracewireBuild = mode.nodeArgs.includes('--import') ? 'esm' : mode.moduleSystem;
      expect(sentryNodeBuilds(modules.sentry)).toEqual([tracewireBuild]);
      // Loaded after the register entry's ESM hook, yet none of its modules is wrapped by it
      // (import-in-the-middle marks the modules it wraps with `?iitm`).
      expect(modules.sentry.filter((url) => url.includes('iitm'))).toEqual([]);
    });
  });

  describe.each(START_MODES.concat(COMMONJS_APP_WITH_IMPORT))(
    '$name that uses @sentry/node itself',
    (mode) => {
      const script = `app-with-own-sentry.${mode.moduleSystem === 'esm' ? 'mjs' : 'cjs'}`;

      it('shares tracewire’s SDK: one build loaded, and its captures carry the request’s trace and scope', async () => {
        const app = await suite.startApp(script, {
          env: env(mode, suite.sink.env.SENTRY_DSN),
          nodeArgs: mode.nodeArgs,
        });
        const response = await fetch(`${app.url}/capture`);
        expect(response.status).toBe(200);
        const captured = (await response.json()) as { eventId: string; trace_id: string };
        expect(captured.trace_id).toMatch(/^[0-9a-f]{32}$/);

        const event = await suite.sink.waitFor((sink) =>
          sink.sentry.events.find((candidate) => candidate.event_id === captured.eventId),
        );
        expect(event.exception?.values?.[0]?.value).toBe('captured by the app');
        expect(event.contexts?.trace?.trace_id).toBe(captured.trace_id);
        // The app's `Sentry.setUser()` landed in the request's scope, which tracewire forked
        // and seeded (request ID) and whose client is tracewire's (its `beforeSend` tags the trace).
        expect(event.user?.id).toBe('user-7');
        expect(event.tags?.request_id).toBe(response.headers.get('x-request-id'));
        expect(event.tags?.trace_id).toBe(captured.trace_id);

        // One SDK in the process: the app's import and tracewire's loading found the same
        // build of @sentry/node (loading the other build too would list both here). Except
        // where tracewire's ESM build initialised a CommonJS app: the app's `require` then
        // loads the CommonJS build beside it, and only Sentry's global state joins the two.
        const modules = await loadedModules(app);
        const expectedBuilds = mode === COMMONJS_APP_WITH_IMPORT ? ['cjs', 'esm'] : [mode.moduleSystem];
        expect(sentryNodeBuilds(modules.sentry)).toEqual(expectedBuilds);
      });
    },
  );
});
