import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT_DETECTION_VARIABLES } from '../../src/config/environment-detection.ts';
import { formatConfigIssues, formatConfigWarnings } from '../../src/config/format-config-issues.ts';
import { CONFIG_OPTION_NAMES, loadConfig, resolveConfiguration } from '../../src/config/load-config.ts';
import { readEnvValue } from '../../src/config/read-env.ts';
import { RELEASE_DETECTION_VARIABLES } from '../../src/config/release-detection.ts';
import { SETTING, SETTINGS, settingNamed } from '../../src/config/settings.ts';
import type { LoadConfigResult, TracewireConfig } from '../../src/config/types.ts';
import { CONFIG_VARIABLES } from '../../src/config/variables.ts';
import { errorCatalogue } from '../../src/errors/catalogue.ts';
import { createAppDirectory } from './app-directory.ts';

const app = createAppDirectory({ name: 'property-app', version: '1.0.0' });
afterAll(() => app.remove());

const VARIABLE_NAMES = [
  ...CONFIG_VARIABLES.map((variable) => variable.name),
  ...RELEASE_DETECTION_VARIABLES.map((variable) => variable.variable),
  ...ENVIRONMENT_DETECTION_VARIABLES.map((variable) => variable.variable),
  'NETLIFY',
  'SENTRY_DNS',
  'SENTRY_TRACES_SAMPLE_RATE',
  'TRACEWIRE_UNKNOWN',
  'sentry_dsn',
];

// Values shaped like the real thing, and broken in the ways people break them.
const interestingValue = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom(
    '',
    ' ',
    'true',
    'FALSE',
    'yes',
    '0',
    '1',
    '1.0',
    '0.5',
    '-1',
    '1e3',
    'NaN',
    'Infinity',
    'none',
  ),
  fc.constantFrom(
    'grpc',
    'http/json',
    'info',
    'LOUD',
    'otlp',
    'prometheus',
    '/health,/x/*',
    '%',
    '%zz',
    'a=b,c',
  ),
  fc.constantFrom(
    'https://k@o1.ingest.sentry.io/1',
    'http://u:p@h:4317',
    'ftp://x',
    '://',
    'http://[::1]:4318',
  ),
  fc.webUrl({ withQueryParameters: true, withFragments: true }),
  fc.integer().map(String),
  fc.double().map(String),
);

const envMap = fc.dictionary(
  fc.oneof(fc.constantFrom(...VARIABLE_NAMES), fc.string({ minLength: 1 })),
  fc.option(interestingValue, { nil: undefined }),
  { maxKeys: 30 },
);

const optionsMap = fc.dictionary(
  fc.oneof(fc.constantFrom(...CONFIG_OPTION_NAMES), fc.string()),
  fc.oneof(
    fc.anything(),
    interestingValue,
    fc.double(),
    fc.boolean(),
    fc.dictionary(fc.string(), fc.string()),
  ),
  { maxKeys: 8 },
);

function expectWellFormed(result: LoadConfigResult): void {
  for (const warning of result.warnings) {
    expect(warning.code in errorCatalogue).toBe(true);
    expect(typeof warning.message).toBe('string');
  }
  if (result.ok) {
    expect(result.config.sampleRate).toBeGreaterThanOrEqual(0);
    expect(result.config.sampleRate).toBeLessThanOrEqual(1);
    expect(typeof result.config.serviceName).toBe('string');
    expect(() => JSON.stringify(result.config)).not.toThrow();
    return;
  }
  expect(result.issues.length).toBeGreaterThan(0);
  for (const issue of result.issues) {
    expect(issue.code in errorCatalogue).toBe(true);
    for (const field of [issue.variable, issue.received, issue.expected, issue.hint])
      expect(typeof field).toBe('string');
  }
  expect(() => formatConfigIssues(result.issues)).not.toThrow();
}

describe('loadConfig over random input', () => {
  it('never throws on random environment maps, and always returns a well-formed result', () => {
    fc.assert(
      fc.property(envMap, (env) => {
        expectWellFormed(loadConfig({ env, cwd: app.dir }));
      }),
      { numRuns: 500 },
    );
  });

  it('never throws on random code options either', () => {
    fc.assert(
      fc.property(envMap, optionsMap, (env, options) => {
        expectWellFormed(loadConfig({ env, options: options as never, cwd: app.dir }));
      }),
      { numRuns: 300 },
    );
  });

  it('reads back any sample rate from 0 to 1 written as a decimal', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), (rate) => {
        const text = rate.toFixed(6);
        const result = loadConfig({ env: { SENTRY_TRACE_SAMPLE_RATE: text }, cwd: app.dir });
        expect(result.ok && result.config.sampleRate).toBe(Number(text));
      }),
    );
  });

  it('lets a valid code option win over any value of its variable', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), interestingValue, (rate, envValue) => {
        const result = loadConfig({
          env: { SENTRY_TRACE_SAMPLE_RATE: envValue },
          options: { sampleRate: rate },
          cwd: app.dir,
        });
        expect(result.ok && [result.config.sampleRate, result.config.sources.sampleRate]).toEqual([
          rate,
          'code',
        ]);
      }),
    );
  });
});

describe('secrets over random input', () => {
  // Long random tokens: a coincidental match with anything else printed is impossible.
  const secret = fc.stringMatching(/^[A-Za-z0-9]{20,40}$/);

  const secretEnv = secret.chain((value) =>
    fc
      .record({
        SENTRY_DSN: fc.constantFrom(
          `https://${value}@o1.ingest.sentry.io/1`,
          `https://${value}@o1.ingest.sentry.io/not-a-project`,
          `https://public:${value}@sentry.example.com/2`,
          `ftp://${value}@host/1`,
          value,
          `${value} trailing words`,
        ),
        SENTRY_AUTH_TOKEN: fc.constantFrom(value, `${value} ${value}`),
        OTEL_EXPORTER_OTLP_HEADERS: fc.constantFrom(
          `authorization=Bearer%20${value}`,
          `authorization=Bearer ${value}`,
          `Bearer ${value}`,
          `x-key=${value},broken`,
          `x-key=${value};meta`,
          `bad header=${value}`,
        ),
        SENTRY_DNS: fc.constantFrom(value, `https://${value}@h/1`),
        OTEL_EXPORTER_OTLP_ENDPOINT: fc.constantFrom(
          `http://user:${value}@collector:4318`,
          `collector:4318/?token=${value}`,
          'http://collector:4318',
        ),
      })
      .chain((secrets) => envMap.map((noise) => ({ value, env: { ...noise, ...secrets } }))),
  );

  it('never prints a secret in issues, warnings, the config dump or the thrown-away result', () => {
    fc.assert(
      fc.property(secretEnv, ({ value, env }) => {
        const result = loadConfig({ env, cwd: app.dir });
        const printed = [
          JSON.stringify(result),
          inspect(result, { depth: 10 }),
          formatConfigWarnings(result.warnings),
          result.ok ? JSON.stringify(result.config.toJSON()) : formatConfigIssues(result.issues),
        ].join('\n');
        expect(printed).not.toContain(value);
      }),
      { numRuns: 500 },
    );
  });
});

describe('one-pass resolution over random environments built from the settings table', () => {
  const tableVariables = SETTINGS.flatMap((entry) => entry.variables);

  // Per variable: unset, its documented example, a value its kind rejects, or anything.
  const tableEnv = fc.record(
    Object.fromEntries(
      tableVariables.map((variable) => [
        variable.name,
        fc.option(
          fc.oneof(
            fc.constant(variable.example),
            fc.constantFrom(
              'maybe',
              '-1',
              '1.5',
              'not a url',
              'grpc',
              'LOUD',
              'bad header=1',
              '%zz=1',
              'None',
            ),
            interestingValue,
          ),
          { nil: undefined },
        ),
      ]),
    ),
    { requiredKeys: [] },
  ) as fc.Arbitrary<Record<string, string | undefined>>;

  /**
   * The documented rule (docs/configuration.md, "Off when invalid"): the variable in
   * effect for a setting is its first non-blank one (the base OTLP endpoint only while
   * some signal has no endpoint of its own); when its kind rejects the value, the
   * setting's pipelines are off. OTEL_SDK_DISABLED never raises an issue.
   */
  function expectedDisabled(env: Record<string, string | undefined>, config: TracewireConfig): Set<string> {
    const expected = new Set<string>();
    const signalVariables = [
      SETTING.otlpTracesEndpoint,
      SETTING.otlpMetricsEndpoint,
      SETTING.otlpLogsEndpoint,
    ];
    for (const entry of SETTINGS) {
      if (entry === SETTING.sdkDisabled) continue;
      if (
        entry === SETTING.otlpEndpoint &&
        signalVariables.every((signal) => readEnvValue(env, signal.variables[0]?.name ?? '') !== undefined)
      )
        continue;
      const inEffect = entry.variables
        .map((variable) => readEnvValue(env, variable.name))
        .find((value) => value !== undefined);
      if (inEffect !== undefined && !entry.kind.fromEnv(inEffect).ok)
        for (const pipeline of entry.pipelines) expected.add(pipeline);
    }
    // Metrics over OTLP need a metrics endpoint; without one the mode itself is the issue.
    const mode = readEnvValue(env, 'TRACEWIRE_METRICS');
    const parsedMode = mode === undefined ? undefined : SETTING.metricsMode.kind.fromEnv(mode);
    if (parsedMode?.ok && parsedMode.value === 'otlp' && config.otlp.metricsEndpoint === undefined) {
      const endpointRejected = [SETTING.otlpMetricsEndpoint, SETTING.otlpEndpoint].some((entry) => {
        const value = readEnvValue(env, entry.variables[0]?.name ?? '');
        return value !== undefined && !entry.kind.fromEnv(value).ok;
      });
      if (!endpointRejected) expected.add('metrics');
    }
    return expected;
  }

  it('never throws, rejects each bad value to its default, and switches off exactly the documented pipelines', () => {
    fc.assert(
      fc.property(tableEnv, (env) => {
        const { config, issues, disabled } = resolveConfiguration({ env, cwd: app.dir });
        expect([...disabled].sort()).toEqual([...expectedDisabled(env, config)].sort());
        for (const issue of issues) expect(settingNamed(issue.variable)).toBeDefined();
        // A rejected setting is at its default, never half-read.
        for (const issue of issues) {
          const entry = settingNamed(issue.variable);
          if (entry && entry.fields === undefined) expect(config.sources[entry.field]).toBe('default');
        }
        // The same pass is what loadConfig reports.
        const loaded = loadConfig({ env, cwd: app.dir });
        expect(loaded.ok).toBe(issues.length === 0);
        if (!loaded.ok) expect(loaded.issues).toEqual(issues);
        expect(() => JSON.stringify(config)).not.toThrow();
      }),
      { numRuns: 400 },
    );
  });
});
