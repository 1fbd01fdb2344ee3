// Registers OpenTelemetry's ESM loader hook (import-in-the-middle) before
// `@opentelemetry/auto-instrumentations-node/register` runs. The bench servers are ES
// modules, and without this hook a framework imported with `import` is not patched
// (Express then produces only http and router spans), which is not the setup the
// OpenTelemetry docs give for ESM apps and would make the variant look cheaper than it is.
import { createRequire, register } from 'node:module';
import { pathToFileURL } from 'node:url';

// Resolved through the auto-instrumentations package so the hook is the exact
// @opentelemetry/instrumentation copy its instrumentations use.
const requireFromAutoInstrumentations = createRequire(
  import.meta.resolve('@opentelemetry/auto-instrumentations-node'),
);
register(pathToFileURL(requireFromAutoInstrumentations.resolve('@opentelemetry/instrumentation/hook.mjs')));
