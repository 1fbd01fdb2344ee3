// Every benchmarked variant: one server file per framework and kind, the node flags and
// environment it starts with, and the modules it needs. The harness runs the cross
// product of FRAMEWORKS and VARIANT_KINDS; a kind whose modules are missing is reported
// as "pending" with the reason, never left out.
//
// To add a variant: add a kind here and write variants/<framework>-<server>.mjs for each
// framework (see the existing files; they share variants/common.mjs).
export const FRAMEWORKS = ['express', 'fastify', 'koa'];

// Absolute file URLs, so `--import` finds them whatever the working directory.
const preload = (file) => new URL(`./preload/${file}`, import.meta.url).href;

/** The exports each tracewire adapter's server file uses. */
const TRACEWIRE_ADAPTER_EXPORTS = {
  express: ['observability', 'errorHandler'],
  fastify: ['observability'],
  koa: ['observability'],
};

const tracewireRequirements = (framework) => [
  { module: '@tracewire/core', exports: ['initObservability'] },
  { module: `@tracewire/${framework}`, exports: TRACEWIRE_ADAPTER_EXPORTS[framework] },
];

// Both SDKs read the release from the environment; a deployed service has one.
const BENCH_RELEASE = 'tracewire-bench@0.0.0';

/**
 * Environment of a tracewire server at trace sample rate `rate`, exporting traces and
 * metrics to the sink. The log line goes to the log file like every variant's; exporting it
 * over OTLP as well (on by default once an OTLP endpoint is set) is `logs: true`, the
 * `tracewire-logs` kind: the targets are set for tracewire with OTLP log export
 * configured off, and the export has its own measured cost.
 */
const tracewireEnv =
  (rate, { logs = false } = {}) =>
  (sink) => ({
    SENTRY_DSN: sink.sentryDsn,
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.origin,
    OTEL_SERVICE_NAME: 'tracewire-bench',
    SENTRY_RELEASE: BENCH_RELEASE,
    SENTRY_TRACE_SAMPLE_RATE: String(rate),
    TRACEWIRE_METRICS: 'otlp',
    OTEL_LOGS_EXPORTER: logs ? 'otlp' : 'none',
    LOG_LEVEL: 'info',
  });

/**
 * @typedef {object} VariantKind
 * @property {string} kind id suffix, e.g. `bare` in `express-bare`
 * @property {string} label what the report calls it
 * @property {string} description one line for the README and the report
 * @property {string} server server file suffix: variants/<framework>-<server>.mjs
 * @property {string[]} nodeArgs flags before the server file
 * @property {(sink: {origin: string, sentryDsn: string}) => Record<string, string>} env
 * @property {(framework: string) => {module: string, exports: string[]}[]} requires
 * @property {boolean} exports whether it must send telemetry to the sink (checked per run)
 */

/** @type {VariantKind[]} */
export const VARIANT_KINDS = [
  {
    kind: 'bare',
    label: 'bare',
    description: 'the framework and pino logging to a file, no instrumentation (the baseline)',
    server: 'bare',
    nodeArgs: [],
    env: () => ({}),
    requires: () => [],
    exports: false,
  },
  {
    kind: 'tracewire',
    label: 'tracewire full',
    description:
      'tracewire, traces at 100 % to OTLP and to Sentry’s OTLP endpoint, Sentry linked, correlated logs, OTLP metrics; OTLP log export off',
    server: 'tracewire',
    nodeArgs: [],
    env: tracewireEnv(1),
    requires: tracewireRequirements,
    exports: true,
  },
  {
    kind: 'tracewire-10',
    label: 'tracewire 10 %',
    description: 'as tracewire full, traces sampled at 10 %',
    server: 'tracewire',
    nodeArgs: [],
    env: tracewireEnv(0.1),
    requires: tracewireRequirements,
    exports: true,
  },
  {
    kind: 'tracewire-logs',
    label: 'tracewire full + OTLP logs',
    description:
      'as tracewire full, and every log line also exported over OTLP from the log worker (the default once an OTLP endpoint is set)',
    server: 'tracewire',
    nodeArgs: [],
    env: tracewireEnv(1, { logs: true }),
    requires: tracewireRequirements,
    exports: true,
  },
  {
    kind: 'sentry',
    label: 'Sentry 11 only',
    description: 'Sentry 11 alone, `tracesSampleRate: 1`, initialised with `--import` as Sentry’s guide does',
    server: 'sentry',
    nodeArgs: ['--import', preload('sentry-init.mjs')],
    env: (sink) => ({ SENTRY_DSN: sink.sentryDsn, SENTRY_RELEASE: BENCH_RELEASE }),
    requires: () => [{ module: '@sentry/node', exports: ['init'] }],
    exports: true,
  },
  {
    kind: 'otel-auto',
    label: 'OTel auto-instrumentations',
    description:
      '`@opentelemetry/auto-instrumentations-node/register` with the ESM loader hook, OTLP traces, metrics and logs',
    server: 'otel-auto',
    nodeArgs: [
      '--import',
      preload('otel-esm-hook.mjs'),
      '--import',
      '@opentelemetry/auto-instrumentations-node/register',
    ],
    env: (sink) => ({
      OTEL_SERVICE_NAME: 'tracewire-bench',
      OTEL_TRACES_EXPORTER: 'otlp',
      OTEL_METRICS_EXPORTER: 'otlp',
      OTEL_LOGS_EXPORTER: 'otlp',
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.origin,
      // The default ("all") includes the AWS, Azure, GCP and Alibaba detectors, which
      // probe cloud metadata addresses; the register entry reads this list
      // (getResourceDetectorsFromEnv), so only local detectors run.
      OTEL_NODE_RESOURCE_DETECTORS: 'env,host,os,process',
    }),
    requires: () => [{ module: '@opentelemetry/auto-instrumentations-node', exports: [] }],
    exports: true,
  },
];

/** The baseline every ratio is computed against. */
export const BASELINE_KIND = 'bare';

/** Every variant: FRAMEWORKS × VARIANT_KINDS, in the order the rounds run them. */
export const VARIANTS = FRAMEWORKS.flatMap((framework) =>
  VARIANT_KINDS.map((kind) => ({
    ...kind,
    id: `${framework}-${kind.kind}`,
    framework,
    server: `${framework}-${kind.server}.mjs`,
    requires: kind.requires(framework),
  })),
);
