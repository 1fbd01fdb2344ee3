import { afterAll, describe, expect, it } from 'vitest';
import { formatConfigIssues } from '../../src/config/format-config-issues.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { CONFIG_FIELD_PATHS } from '../../src/config/resolved-config.ts';
import type { ConfigOptions, LoadConfigResult, TracewireConfig } from '../../src/config/types.ts';
import { errorCatalogue } from '../../src/errors/catalogue.ts';
import { createAppDirectory } from './app-directory.ts';

const emptyApp = createAppDirectory();
const namedApp = createAppDirectory({ name: 'checkout-api', version: '2.3.4' });
afterAll(() => {
  emptyApp.remove();
  namedApp.remove();
});

const VALID_DSN = 'https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/4501';

function load(
  env: Record<string, string | undefined>,
  options?: ConfigOptions,
  cwd = emptyApp.dir,
): LoadConfigResult {
  return loadConfig({ env, options, cwd });
}

function config(
  env: Record<string, string | undefined>,
  options?: ConfigOptions,
  cwd?: string,
): TracewireConfig {
  const result = load(env, options, cwd);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${formatConfigIssues(result.issues)}`);
  return result.config;
}

function issuesOf(env: Record<string, string | undefined>, options?: ConfigOptions) {
  const result = load(env, options);
  if (result.ok) throw new Error('expected issues, got a valid config');
  return result.issues;
}

describe('loadConfig with bad variables', () => {
  const env = { SENTRY_DSN: 'not-a-dsn', SENTRY_TRACE_SAMPLE_RATE: '1.5', LOG_LEVEL: 'loud' };

  it('fails with exactly one issue per bad variable, all reported at once', () => {
    const issues = issuesOf(env);
    expect(issues.map((issue) => issue.variable).sort()).toEqual([
      'LOG_LEVEL',
      'SENTRY_DSN',
      'SENTRY_TRACE_SAMPLE_RATE',
    ]);
    expect(issues.map((issue) => issue.code).sort()).toEqual([
      'TW_CONFIG_INVALID_DSN',
      'TW_CONFIG_INVALID_LOG_LEVEL',
      'TW_CONFIG_INVALID_SAMPLE_RATE',
    ]);
  });

  it('names, for each issue, the variable, what was received, the expected form and the fix', () => {
    const byVariable = Object.fromEntries(issuesOf(env).map((issue) => [issue.variable, issue]));
    expect(byVariable.SENTRY_TRACE_SAMPLE_RATE).toMatchObject({
      received: '"1.5"',
      expected: expect.stringContaining('from 0 to 1'),
      hint: expect.stringContaining('production 0.1'),
    });
    expect(byVariable.LOG_LEVEL).toMatchObject({
      received: '"loud"',
      expected: expect.stringContaining('info'),
    });
    expect(byVariable.SENTRY_DSN?.expected).toContain('https://<public key>@');
    expect(byVariable.SENTRY_DSN?.hint).toContain('Client Keys (DSN)');
    for (const issue of issuesOf(env)) expect(issue.code in errorCatalogue).toBe(true);
  });

  it('never repeats a secret: a malformed DSN is shown only by its length', () => {
    const issues = issuesOf(env);
    const dsnIssue = issues.find((issue) => issue.variable === 'SENTRY_DSN');
    expect(dsnIssue?.received).toBe('*** (9 characters)');
    expect(formatConfigIssues(issues)).not.toContain('not-a-dsn');
  });

  it('keeps the host and project of a URL-shaped DSN but masks its key', () => {
    const key = 'f00dfacecafebabe0123456789abcdef';
    const [issue] = issuesOf({ SENTRY_DSN: `https://${key}@o1.ingest.sentry.io/project` });
    expect(issue?.received).toBe('"https://***@o1.ingest.sentry.io/project"');
    expect(issue?.hint).toContain('numeric project id');
    expect(JSON.stringify(issue)).not.toContain(key);
  });

  it.each([
    ['ftp://key@sentry.example.com/1', 'uses ftp://'],
    ['https://o1.ingest.sentry.io/1', 'no public key'],
    ['https://key@o1.ingest.sentry.io/1?x=1', 'query string'],
  ])('explains what is wrong with the DSN %s', (dsn, reason) => {
    expect(issuesOf({ SENTRY_DSN: dsn })[0]?.hint).toContain(reason);
  });

  it('reports wrongly typed code options against options.<name>', () => {
    const issues = issuesOf({}, { sampleRate: '0.5', logLevel: 'LOUD' } as unknown as ConfigOptions);
    expect(issues.map((issue) => [issue.variable, issue.received])).toEqual([
      ['options.sampleRate', '"0.5"'],
      ['options.logLevel', '"LOUD"'],
    ]);
  });

  it('reports every bad variable in one pass, however many there are', () => {
    const issues = issuesOf({
      SENTRY_DSN: 'x',
      SENTRY_ENVIRONMENT: 'a/b',
      SENTRY_TRACE_SAMPLE_RATE: 'all',
      SENTRY_RELEASE: '..',
      SENTRY_INTERNAL_URL: 'sentry.internal',
      SENTRY_AUTH_TOKEN: 'two tokens',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization',
      OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
      OTEL_RESOURCE_ATTRIBUTES: 'team',
      LOG_LEVEL: 'verbose',
      TRACEWIRE_IGNORED_PATHS: 'health',
      TRACEWIRE_METRICS: 'statsd',
      TRACEWIRE_PROMETHEUS_PORT: '99999',
      TRACEWIRE_SENTRY_TRACES: 'maybe',
      TRACEWIRE_STRICT: 'on',
      TRACEWIRE_SHUTDOWN_TIMEOUT_MS: '5s',
      TRACEWIRE_GRAFANA_URL: 'grafana',
    });
    expect(issues).toHaveLength(18);
    expect(new Set(issues.map((issue) => issue.variable)).size).toBe(18);
  });
});

describe('seed defaults', () => {
  const defaults = config({});

  it('keeps every seed default', () => {
    expect(defaults).toMatchObject({
      serviceName: 'unknown_service:node',
      environment: 'production',
      release: undefined,
      sentry: {
        dsn: undefined,
        traces: false,
        authToken: undefined,
        internalUrl: 'http://sentry.railway.internal:9000',
      },
      sampleRate: 1,
      otlp: {
        tracesEndpoint: undefined,
        metricsEndpoint: undefined,
        logsEndpoint: undefined,
        headers: {},
        protocol: 'http/protobuf',
      },
      sdkDisabled: false,
      resourceAttributes: {},
      logLevel: 'info',
      ignoredPaths: ['/health', '/healthz', '/ready', '/readyz', '/livez', '/metrics', '/favicon.ico'],
      metrics: { mode: 'prometheus', prometheusPort: 9464 },
      strict: false,
      shutdownTimeoutMs: 5000,
      grafanaUrl: undefined,
    });
  });

  it('records a source for every field, all default', () => {
    expect(Object.keys(defaults.sources).sort()).toEqual([...CONFIG_FIELD_PATHS].sort());
    expect(new Set(Object.values(defaults.sources))).toEqual(new Set(['default']));
  });

  it('warns that no release was found', () => {
    const result = load({});
    expect(result.warnings.map((warning) => warning.code)).toContain('TW_CONFIG_RELEASE_UNDETECTED');
  });

  it('treats blank and whitespace-only variables as unset, and trims values', () => {
    expect(config({ SENTRY_DSN: '', LOG_LEVEL: '   ', SENTRY_ENVIRONMENT: ' staging\n' })).toMatchObject({
      sentry: { dsn: undefined },
      logLevel: 'info',
      environment: 'staging',
    });
  });
});

describe('seed variables keep their meaning', () => {
  it('SENTRY_DSN enables Sentry, and Sentry traces by default', () => {
    const withDsn = config({ SENTRY_DSN: VALID_DSN });
    expect(withDsn.sentry).toMatchObject({ dsn: VALID_DSN, traces: true });
    expect(withDsn.sources['sentry.dsn']).toBe('env:SENTRY_DSN');
  });

  it.each(['production', 'staging', 'a'.repeat(64), 'pr-123_preview.2'])(
    'accepts the environment %s',
    (name) => {
      expect(config({ SENTRY_ENVIRONMENT: name }).environment).toBe(name);
    },
  );

  it.each([
    ['a/b', '"/"'],
    ['my env', 'spaces'],
    ['a'.repeat(65), '64 characters'],
    ['None', '"None"'],
  ])('rejects the environment %j by Sentry’s rules', (name, reason) => {
    const [issue] = issuesOf({ SENTRY_ENVIRONMENT: name });
    expect(issue).toMatchObject({ code: 'TW_CONFIG_INVALID_ENVIRONMENT', variable: 'SENTRY_ENVIRONMENT' });
    expect(issue?.hint).toContain(reason);
  });

  it.each([
    ['0', 0],
    ['1', 1],
    ['1.0', 1],
    ['0.25', 0.25],
    ['.5', 0.5],
  ])('reads SENTRY_TRACE_SAMPLE_RATE=%s as %d', (raw, rate) => {
    expect(config({ SENTRY_TRACE_SAMPLE_RATE: raw }).sampleRate).toBe(rate);
  });

  it.each(['1.5', '-0.1', 'abc', '0x1', 'Infinity', '1e-1', '10%'])(
    'rejects SENTRY_TRACE_SAMPLE_RATE=%s',
    (raw) => {
      expect(issuesOf({ SENTRY_TRACE_SAMPLE_RATE: raw })[0]?.code).toBe('TW_CONFIG_INVALID_SAMPLE_RATE');
    },
  );

  it('explains that a percentage is written as a fraction', () => {
    expect(issuesOf({ SENTRY_TRACE_SAMPLE_RATE: '10%' })[0]?.hint).toContain('10% is 0.1');
  });

  it('prefers SENTRY_RELEASE over SENTRY_VERSION, and falls back to SENTRY_VERSION', () => {
    expect(config({ SENTRY_RELEASE: 'api@2', SENTRY_VERSION: '1' }).sources.release).toBe(
      'env:SENTRY_RELEASE',
    );
    const fromVersion = config({ SENTRY_VERSION: '1.0.1' });
    expect([fromVersion.release, fromVersion.sources.release]).toEqual(['1.0.1', 'env:SENTRY_VERSION']);
  });

  it.each(['a/b', 'a\\b', '.', '..', 'x'.repeat(201)])(
    'rejects the release %j by Sentry’s rules',
    (release) => {
      expect(issuesOf({ SENTRY_RELEASE: release })[0]?.code).toBe('TW_CONFIG_INVALID_RELEASE');
    },
  );

  it('keeps SENTRY_AUTH_TOKEN for the CLI and Grafana, and SENTRY_INTERNAL_URL as given', () => {
    const loaded = config({
      SENTRY_AUTH_TOKEN: 'sntrys_token',
      SENTRY_INTERNAL_URL: 'https://sentry.example.com',
    });
    expect(loaded.sentry).toMatchObject({
      authToken: 'sntrys_token',
      internalUrl: 'https://sentry.example.com',
    });
  });

  it.each(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'])('accepts LOG_LEVEL=%s', (level) => {
    expect(config({ LOG_LEVEL: level }).logLevel).toBe(level);
    expect(config({ LOG_LEVEL: level.toUpperCase() }).logLevel).toBe(level);
  });
});

describe('tracewire variables', () => {
  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['Yes', true],
    ['false', false],
    ['0', false],
    ['no', false],
    ['NO', false],
  ])('reads the boolean %s as %s', (raw, value) => {
    expect(config({ TRACEWIRE_STRICT: raw }).strict).toBe(value);
    expect(config({ TRACEWIRE_SENTRY_TRACES: raw, SENTRY_DSN: VALID_DSN }).sentry.traces).toBe(value);
  });

  it.each(['on', 'off', 'y', '2', 'truthy'])('rejects the boolean %s', (raw) => {
    expect(issuesOf({ TRACEWIRE_STRICT: raw })[0]).toMatchObject({
      code: 'TW_CONFIG_INVALID_BOOLEAN',
      variable: 'TRACEWIRE_STRICT',
    });
  });

  it.each([
    ['0', 0],
    ['9100', 9100],
    ['65535', 65535],
  ])('accepts TRACEWIRE_PROMETHEUS_PORT=%s', (raw, port) => {
    expect(config({ TRACEWIRE_PROMETHEUS_PORT: raw }).metrics.prometheusPort).toBe(port);
  });

  it.each(['65536', '-1', '80.5', 'http'])('rejects TRACEWIRE_PROMETHEUS_PORT=%s', (raw) => {
    expect(issuesOf({ TRACEWIRE_PROMETHEUS_PORT: raw })[0]?.code).toBe('TW_CONFIG_INVALID_PORT');
  });

  it('reads TRACEWIRE_SHUTDOWN_TIMEOUT_MS as plain milliseconds', () => {
    expect(config({ TRACEWIRE_SHUTDOWN_TIMEOUT_MS: '10000' }).shutdownTimeoutMs).toBe(10_000);
    expect(issuesOf({ TRACEWIRE_SHUTDOWN_TIMEOUT_MS: '5s' })[0]?.hint).toContain('without a unit');
    expect(issuesOf({ TRACEWIRE_SHUTDOWN_TIMEOUT_MS: '600001' })[0]?.code).toBe('TW_CONFIG_INVALID_TIMEOUT');
  });

  it('reads TRACEWIRE_IGNORED_PATHS as a list, with none for no path', () => {
    expect(config({ TRACEWIRE_IGNORED_PATHS: ' /up , /internal/*,' }).ignoredPaths).toEqual([
      '/up',
      '/internal/*',
    ]);
    expect(config({ TRACEWIRE_IGNORED_PATHS: 'none' }).ignoredPaths).toEqual([]);
  });

  it.each([
    ['health', 'does not start with "/"'],
    ['/a?b', '"?"'],
    ['/a/*/b', 'only a trailing *'],
  ])('rejects the ignored path %s', (raw, reason) => {
    const [issue] = issuesOf({ TRACEWIRE_IGNORED_PATHS: `/ok,${raw}` });
    expect(issue?.code).toBe('TW_CONFIG_INVALID_PATHS');
    expect(issue?.hint).toContain(reason);
  });

  it('defaults TRACEWIRE_METRICS to otlp only when a metrics endpoint is configured', () => {
    expect(config({}).metrics.mode).toBe('prometheus');
    expect(config({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).metrics.mode).toBe('otlp');
    expect(
      config({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://prom:9090/api/v1/otlp/v1/metrics' }).metrics.mode,
    ).toBe('otlp');
    expect(config({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces' }).metrics.mode).toBe(
      'prometheus',
    );
    expect(config({ TRACEWIRE_METRICS: 'NONE' }).metrics.mode).toBe('none');
  });

  it('rejects otlp metrics without a metrics endpoint, naming the way out', () => {
    const [issue] = issuesOf({ TRACEWIRE_METRICS: 'otlp' });
    expect(issue).toMatchObject({ code: 'TW_CONFIG_MISSING_OTLP_ENDPOINT', variable: 'TRACEWIRE_METRICS' });
    expect(issue?.hint).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
  });

  it('warns when Sentry traces are requested without a DSN', () => {
    const result = load({ TRACEWIRE_SENTRY_TRACES: 'true' });
    expect(result.ok).toBe(true);
    expect(result.warnings.map((warning) => warning.code)).toContain('TW_CONFIG_SENTRY_TRACES_WITHOUT_DSN');
  });

  it('reads OTEL_SDK_DISABLED as the OpenTelemetry specification says', () => {
    expect(config({ OTEL_SDK_DISABLED: 'TRUE' }).sdkDisabled).toBe(true);
    expect(config({ OTEL_SDK_DISABLED: 'false' }).sdkDisabled).toBe(false);
    const one = load({ OTEL_SDK_DISABLED: '1' });
    expect(one.ok && one.config.sdkDisabled).toBe(false);
    expect(one.warnings.map((warning) => warning.code)).toContain('TW_CONFIG_SDK_DISABLED_IGNORED');
  });
});

describe('precedence: code, then environment, then detection, then default', () => {
  it('lets a code option override its variable', () => {
    const loaded = config({ SENTRY_TRACE_SAMPLE_RATE: '0.1' }, { sampleRate: 0.5 });
    expect([loaded.sampleRate, loaded.sources.sampleRate]).toEqual([0.5, 'code']);
  });

  it('does not check a variable that a code option overrides', () => {
    expect(config({ SENTRY_TRACE_SAMPLE_RATE: 'garbage' }, { sampleRate: 0.2 }).sampleRate).toBe(0.2);
  });

  it('lets a variable override detection, and detection override the default', () => {
    const env = { VERCEL_ENV: 'preview' };
    expect(config({ ...env, SENTRY_ENVIRONMENT: 'staging' }).sources.environment).toBe(
      'env:SENTRY_ENVIRONMENT',
    );
    const detected = config(env);
    expect([detected.environment, detected.sources.environment]).toEqual(['preview', 'detected:VERCEL_ENV']);
    expect(config({}).sources.environment).toBe('default');
  });

  it('treats an empty DSN in code as "no Sentry", even with SENTRY_DSN set', () => {
    const loaded = config({ SENTRY_DSN: VALID_DSN }, { dsn: '' });
    expect([loaded.sentry.dsn, loaded.sentry.traces, loaded.sources['sentry.dsn']]).toEqual([
      undefined,
      false,
      'code',
    ]);
  });

  it('resolves the service name from option, OTEL_SERVICE_NAME, service.name, package.json, then the default', () => {
    const attributes = { OTEL_RESOURCE_ATTRIBUTES: 'service.name=from-attributes' };
    const cases: [Record<string, string>, ConfigOptions | undefined, string, string][] = [
      [{ OTEL_SERVICE_NAME: 'from-env', ...attributes }, { serviceName: 'from-code' }, 'from-code', 'code'],
      [{ OTEL_SERVICE_NAME: 'from-env', ...attributes }, undefined, 'from-env', 'env:OTEL_SERVICE_NAME'],
      [attributes, undefined, 'from-attributes', 'env:OTEL_RESOURCE_ATTRIBUTES'],
      [{}, undefined, 'checkout-api', 'detected:package.json'],
    ];
    for (const [env, options, name, source] of cases) {
      const loaded = config(env, options, namedApp.dir);
      expect([loaded.serviceName, loaded.sources.serviceName]).toEqual([name, source]);
    }
    expect(config({}, undefined, emptyApp.dir).serviceName).toBe('unknown_service:node');
  });

  it('merges resource attributes from code over OTEL_RESOURCE_ATTRIBUTES, key by key', () => {
    const loaded = config(
      { OTEL_RESOURCE_ATTRIBUTES: 'team=payments,tier=1' },
      { resourceAttributes: { tier: '2' } },
    );
    expect(loaded.resourceAttributes).toEqual({ team: 'payments', tier: '2' });
    expect(loaded.sources.resourceAttributes).toBe('code');
  });

  it('records each source by dotted field path', () => {
    const loaded = config(
      { SENTRY_DSN: VALID_DSN, TRACEWIRE_PROMETHEUS_PORT: '9100', RAILWAY_GIT_COMMIT_SHA: 'd0beb8f5c55b' },
      { logLevel: 'debug' },
    );
    expect(loaded.sources).toMatchObject({
      'sentry.dsn': 'env:SENTRY_DSN',
      'sentry.traces': 'default',
      'metrics.prometheusPort': 'env:TRACEWIRE_PROMETHEUS_PORT',
      release: 'detected:RAILWAY_GIT_COMMIT_SHA',
      logLevel: 'code',
      sampleRate: 'default',
    });
  });
});

describe('sample-rate guidance', () => {
  const codes = (env: Record<string, string>) => load(env).warnings.map((warning) => warning.code);

  it('warns, without failing, when production records every trace', () => {
    expect(load({ SENTRY_ENVIRONMENT: 'production', SENTRY_TRACE_SAMPLE_RATE: '1.0' }).ok).toBe(true);
    expect(codes({ SENTRY_TRACE_SAMPLE_RATE: '1' })).toContain('TW_CONFIG_PRODUCTION_FULL_SAMPLING');
  });

  it('stays quiet below 1.0 or outside production', () => {
    expect(codes({ SENTRY_TRACE_SAMPLE_RATE: '0.1' })).not.toContain('TW_CONFIG_PRODUCTION_FULL_SAMPLING');
    expect(codes({ SENTRY_ENVIRONMENT: 'development' })).not.toContain('TW_CONFIG_PRODUCTION_FULL_SAMPLING');
  });
});

describe('unusual input', () => {
  it('reads process.env when no env is given', () => {
    const previous = process.env.TRACEWIRE_SHUTDOWN_TIMEOUT_MS;
    process.env.TRACEWIRE_SHUTDOWN_TIMEOUT_MS = '1234';
    try {
      const result = loadConfig({ cwd: emptyApp.dir });
      expect(result.ok && result.config.shutdownTimeoutMs).toBe(1234);
    } finally {
      if (previous === undefined) delete process.env.TRACEWIRE_SHUTDOWN_TIMEOUT_MS;
      else process.env.TRACEWIRE_SHUTDOWN_TIMEOUT_MS = previous;
    }
  });

  it('returns an issue instead of throwing when the env cannot be read', () => {
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => ['LOG_LEVEL'],
        get: () => {
          throw new Error('boom');
        },
      },
    );
    const result = loadConfig({ env: hostile, cwd: emptyApp.dir });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues[0]?.code).toBe('TW_CONFIG_LOAD_FAILED');
  });

  it('rejects options that are not an object', () => {
    const result = loadConfig({ env: {}, options: 'fast' as unknown as ConfigOptions, cwd: emptyApp.dir });
    expect(!result.ok && result.issues[0]).toMatchObject({
      code: 'TW_CONFIG_LOAD_FAILED',
      variable: 'options',
    });
  });

  it('warns about unknown option names, suggesting the right one', () => {
    const result = load({}, { tracesSampleRate: 0.1, serviceNme: 'x' } as unknown as ConfigOptions);
    const messages = result.warnings.filter((warning) => warning.code === 'TW_CONFIG_UNKNOWN_OPTION');
    expect(messages.map((warning) => warning.message)).toEqual([
      expect.stringContaining('Did you mean options.sampleRate?'),
      expect.stringContaining('Did you mean options.serviceName?'),
    ]);
  });
});
