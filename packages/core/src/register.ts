// `node --import @tracewire/core/register app.mjs` (or `--require` for CommonJS apps):
// the one module of tracewire with side effects. It installs OpenTelemetry's ESM loader
// hook, so modules the app imports afterwards (including `node:http`) can be
// instrumented, then initialises tracewire from the environment before the app's own
// modules load.
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';
import { initObservability } from './init/init-observability.ts';

// Node runs preload modules again on its loader-hooks thread; only the main thread
// initialises.
if (isMainThread) {
  // In the CommonJS build `import.meta.url` is unavailable and CommonJS apps are
  // patched through `require`, so the ESM hook is installed for ESM loads only.
  const moduleUrl: string | undefined = typeof __filename === 'string' ? undefined : import.meta.url;
  // Sentry's SDK loads inside `initObservability()`, after the hook: no instrumentation
  // patches it, and wrapping each of its ~570 modules would add a second or more to startup.
  const notInstrumented = [/\/node_modules\/@sentry\//];
  if (moduleUrl) {
    register('@opentelemetry/instrumentation/hook.mjs', moduleUrl, { data: { exclude: notInstrumented } });
  }
  initObservability();
}
