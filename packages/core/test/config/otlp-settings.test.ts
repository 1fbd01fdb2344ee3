import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { parseKeyValueList } from '../../src/config/parse-key-value-list.ts';
import type { ConfigOptions, TracewireConfig } from '../../src/config/types.ts';
import { createAppDirectory } from './app-directory.ts';

const app = createAppDirectory();
afterAll(() => app.remove());

function load(env: Record<string, string>, options?: ConfigOptions) {
  return loadConfig({ env, options, cwd: app.dir });
}

function otlp(
  env: Record<string, string>,
  options?: ConfigOptions,
): TracewireConfig['otlp'] & { sources: Record<string, string> } {
  const result = load(env, options);
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return { ...result.config.otlp, sources: result.config.sources };
}

describe('OTLP endpoints', () => {
  it('appends /v1/<signal> to the base endpoint', () => {
    expect(otlp({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toMatchObject({
      tracesEndpoint: 'http://collector:4318/v1/traces',
      metricsEndpoint: 'http://collector:4318/v1/metrics',
      logsEndpoint: 'http://collector:4318/v1/logs',
    });
  });

  it('keeps the base endpoint’s path and does not double a trailing slash', () => {
    expect(otlp({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://gw.example.com/otlp' }).tracesEndpoint).toBe(
      'https://gw.example.com/otlp/v1/traces',
    );
    expect(otlp({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://gw.example.com/otlp/' }).logsEndpoint).toBe(
      'https://gw.example.com/otlp/v1/logs',
    );
  });

  it('uses per-signal endpoints as given, over the base endpoint', () => {
    const resolved = otlp({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/custom',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://loki:3100/otlp/v1/logs',
    });
    expect(resolved).toMatchObject({
      tracesEndpoint: 'http://tempo:4318/custom',
      metricsEndpoint: 'http://collector:4318/v1/metrics',
      logsEndpoint: 'http://loki:3100/otlp/v1/logs',
    });
    expect(resolved.sources).toMatchObject({
      'otlp.tracesEndpoint': 'env:OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
      'otlp.metricsEndpoint': 'env:OTEL_EXPORTER_OTLP_ENDPOINT',
      'otlp.logsEndpoint': 'env:OTEL_EXPORTER_OTLP_LOGS_ENDPOINT',
    });
  });

  it('lets otlpEndpoint in code win over every endpoint variable', () => {
    const resolved = otlp(
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/v1/traces' },
      { otlpEndpoint: 'http://local:4318' },
    );
    expect(resolved.tracesEndpoint).toBe('http://local:4318/v1/traces');
    expect(resolved.sources['otlp.tracesEndpoint']).toBe('code');
  });

  it('rejects endpoints that are not http(s) URLs, masking credentials in them', () => {
    const result = load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://user:hunter2@collector:4317' });
    expect(result.ok).toBe(false);
    const [issue] = result.ok ? [] : result.issues;
    expect(issue).toMatchObject({ code: 'TW_CONFIG_INVALID_URL', variable: 'OTEL_EXPORTER_OTLP_ENDPOINT' });
    expect(issue?.received).toBe('"grpc://***@collector:4317"');
  });

  it('does not read the base endpoint when every signal has its own', () => {
    const result = load({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'not a url',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://a:4318/v1/traces',
      OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://a:4318/v1/metrics',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://a:4318/v1/logs',
    });
    expect(result.ok).toBe(true);
  });

  it('warns about the gRPC port', () => {
    const result = load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317' });
    expect(result.warnings.map((warning) => warning.code)).toContain('TW_CONFIG_GRPC_PORT');
  });
});

describe('OTLP protocol', () => {
  it('defaults to http/protobuf and accepts http/json', () => {
    expect(otlp({}).protocol).toBe('http/protobuf');
    expect(otlp({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }).protocol).toBe('http/json');
  });

  it('rejects grpc with a hint to switch to HTTP on 4318', () => {
    const result = load({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    const issue = result.ok ? undefined : result.issues[0];
    expect(issue?.code).toBe('TW_CONFIG_UNSUPPORTED_PROTOCOL');
    expect(issue?.hint).toContain('4318');
  });
});

describe('OTLP headers and resource attributes', () => {
  it('parses comma-separated key=value pairs with percent-decoding', () => {
    expect(
      otlp({ OTEL_EXPORTER_OTLP_HEADERS: ' authorization = Bearer%20abc%3D ,x-scope-orgid=tenant%2C1,' })
        .headers,
    ).toEqual({
      authorization: 'Bearer abc=',
      'x-scope-orgid': 'tenant,1',
    });
  });

  it('reports every malformed entry without showing header values', () => {
    const result = load({
      OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer s3cr3t-value,Bearer s3cr3t-value,x=%zz',
    });
    const issue = result.ok ? undefined : result.issues[0];
    expect(issue?.hint).toContain('Entry 2 has no "="');
    expect(issue?.hint).toContain('entry 3 (x) is not valid percent-encoding');
    expect(JSON.stringify(issue)).not.toContain('s3cr3t-value');
  });

  it('checks header maps given in code with the same rules', () => {
    const result = load({}, { otlpHeaders: { 'bad header': 'x', ok: 'line\nbreak' } });
    const issue = result.ok ? undefined : result.issues[0];
    expect(issue).toMatchObject({
      variable: 'options.otlpHeaders',
      received: '{"bad header":"***","ok":"***"}',
    });
  });

  it('parses OTEL_RESOURCE_ATTRIBUTES, whose keys need not be header names', () => {
    const result = load({
      OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=staging,k8s.pod.name=api%201',
    });
    expect(result.ok && result.config.resourceAttributes).toEqual({
      'deployment.environment.name': 'staging',
      'k8s.pod.name': 'api 1',
    });
  });

  it.each([
    ['novalue', 'has no "="'],
    ['=x', 'has no key'],
    ['a=', 'empty value'],
    ['a=b;c', '%3B'],
  ])('rejects the list entry %j', (raw, problem) => {
    const check = parseKeyValueList(raw, { keysAreHeaderNames: false });
    expect(check.ok).toBe(false);
    expect(check.ok ? '' : check.problems.join()).toContain(problem);
  });
});
