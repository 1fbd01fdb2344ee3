import { describe, expect, it } from 'vitest';
import { loadConfig, resolveConfiguration } from '../../src/config/load-config.ts';

const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };

describe('log export settings', () => {
  it('exports logs by default once a logs endpoint is known, with the OpenTelemetry batch defaults', () => {
    const result = loadConfig({ env: endpoint });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.otlp.logsEndpoint).toBe('http://127.0.0.1:4318/v1/logs');
    expect(result.config.logs).toEqual({
      exporter: 'otlp',
      stdout: true,
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduleDelayMs: 1000,
      exportTimeoutMs: 30_000,
    });
    expect(result.config.sources['logs.exporter']).toBe('default');
    const without = loadConfig({ env: {} });
    expect(without.ok && without.config.logs.exporter).toBe('none');
  });

  it('reads OTEL_LOGS_EXPORTER, the OTEL_BLRP_* variables and TRACEWIRE_LOG_STDOUT; code options win', () => {
    const result = loadConfig({
      env: {
        ...endpoint,
        OTEL_LOGS_EXPORTER: 'NONE',
        OTEL_BLRP_MAX_QUEUE_SIZE: '8192',
        OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '1024',
        OTEL_BLRP_SCHEDULE_DELAY: '250',
        OTEL_BLRP_EXPORT_TIMEOUT: '5000',
        TRACEWIRE_LOG_STDOUT: 'false',
      },
      options: { logsExporter: 'otlp', logsMaxQueueSize: 100 },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.logs).toEqual({
      exporter: 'otlp',
      stdout: false,
      maxQueueSize: 100,
      maxExportBatchSize: 1024,
      scheduleDelayMs: 250,
      exportTimeoutMs: 5000,
    });
    expect(result.config.sources).toMatchObject({
      'logs.exporter': 'code',
      'logs.maxQueueSize': 'code',
      'logs.maxExportBatchSize': 'env:OTEL_BLRP_MAX_EXPORT_BATCH_SIZE',
      'logs.stdout': 'env:TRACEWIRE_LOG_STDOUT',
    });
  });

  it('rejects a wrong exporter with a fix, and switches off only the log export', () => {
    const { issues, disabled, config } = resolveConfiguration({
      env: { ...endpoint, OTEL_LOGS_EXPORTER: 'console' },
    });
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'TW_CONFIG_INVALID_LOGS_EXPORTER',
      variable: 'OTEL_LOGS_EXPORTER',
    });
    expect(issues[0]?.hint).toContain('stdout');
    expect([...disabled]).toEqual(['logs']);
    // The rejected value is at its default; the pipeline is off because `disabled` says so.
    expect(config.sources['logs.exporter']).toBe('default');
  });

  it.each([
    ['OTEL_BLRP_MAX_QUEUE_SIZE', '0', 'TW_CONFIG_INVALID_BATCH_SIZE'],
    ['OTEL_BLRP_MAX_EXPORT_BATCH_SIZE', 'lots', 'TW_CONFIG_INVALID_BATCH_SIZE'],
    ['OTEL_BLRP_SCHEDULE_DELAY', '1s', 'TW_CONFIG_INVALID_TIMEOUT'],
    ['OTEL_BLRP_EXPORT_TIMEOUT', '-1', 'TW_CONFIG_INVALID_TIMEOUT'],
    ['OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', 'loki:3100', 'TW_CONFIG_INVALID_URL'],
  ])('rejects %s=%s as %s and switches off only the log export', (variable, value, code) => {
    const { issues, disabled } = resolveConfiguration({ env: { ...endpoint, [variable]: value } });
    expect(issues.map((issue) => [issue.code, issue.variable])).toEqual([[code, variable]]);
    expect([...disabled]).toEqual(['logs']);
  });

  it('asks for an endpoint when otlp is requested without one', () => {
    const { issues, disabled, config } = resolveConfiguration({ env: { OTEL_LOGS_EXPORTER: 'otlp' } });
    expect(issues.map((issue) => [issue.code, issue.variable])).toEqual([
      ['TW_CONFIG_MISSING_OTLP_ENDPOINT', 'OTEL_LOGS_EXPORTER'],
    ]);
    expect(issues[0]?.hint).toContain('OTEL_EXPORTER_OTLP_ENDPOINT');
    expect([...disabled]).toEqual(['logs']);
    expect(config.logs.exporter).toBe('none');
  });

  it('switches the log export off with the other OTLP signals when a shared OTLP setting is wrong', () => {
    const { disabled } = resolveConfiguration({
      env: { ...endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
    });
    expect([...disabled].sort()).toEqual(['logs', 'metrics', 'tracing']);
  });

  it('shows the log export in the masked dump `tracewire config` prints', () => {
    const result = loadConfig({ env: { ...endpoint, TRACEWIRE_LOG_STDOUT: 'false' } });
    if (!result.ok) throw new Error('invalid');
    const dump = JSON.parse(JSON.stringify(result.config)) as Record<string, unknown>;
    expect(dump.logs).toEqual({
      exporter: 'otlp',
      stdout: false,
      maxQueueSize: 2048,
      maxExportBatchSize: 512,
      scheduleDelayMs: 1000,
      exportTimeoutMs: 30_000,
    });
  });
});
