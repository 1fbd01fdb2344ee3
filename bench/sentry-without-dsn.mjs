// Which modules a service without a Sentry DSN loads: tracewire initialised with no DSN,
// every module the process loads recorded by a load hook (ESM and CommonJS alike). Prints
// one JSON line: { modules, sentryModules, sentryPackages }.
import { registerHooks } from 'node:module';

const loaded = new Set();
registerHooks({
  load(url, context, nextLoad) {
    loaded.add(url);
    return nextLoad(url, context);
  },
});

const { initObservability } = await import('@tracewire/core');
const handle = initObservability({ handleSignals: false, logDestination: { write() {} } });
await handle.shutdown();

const sentry = [...loaded].filter((url) => url.includes('/node_modules/@sentry/'));
const packages = new Set(sentry.map((url) => /.*\/node_modules\/(@sentry\/[^/]+)/.exec(url)?.[1]));
process.stdout.write(
  `${JSON.stringify({ modules: loaded.size, sentryModules: sentry.length, sentryPackages: [...packages].sort() })}\n`,
);
process.exit(0);
