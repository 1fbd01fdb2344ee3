// otel-collector.yaml: every pipeline wired to components that exist, each signal sent to
// the backend that stores it, on the addresses the other containers listen on.
import { describe, expect, it } from 'vitest';
import { readStackYaml } from './helpers/stack-files.ts';

type Components = Record<string, Record<string, unknown> | null>;
interface CollectorConfig {
  receivers: Components;
  processors?: Components;
  exporters: Components;
  service: { pipelines: Record<string, { receivers: string[]; processors?: string[]; exporters: string[] }> };
}

const config = readStackYaml<CollectorConfig>('otel-collector.yaml');
const pipelines = config.service.pipelines;
const typeOf = (id: string) => id.split('/')[0];

/**
 * What the collector runs with a second `--config`: maps are merged key by key, and any
 * other value (a list, a string) of the later file replaces the earlier one.
 */
function mergeCollectorConfigs(base: unknown, overlay: unknown): unknown {
  const isMap = (value: unknown): value is Record<string, unknown> =>
    typeof value === 'object' && value !== null && !Array.isArray(value);
  if (!isMap(base) || !isMap(overlay)) return overlay === undefined ? base : overlay;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) merged[key] = mergeCollectorConfigs(base[key], value);
  return merged;
}

// The file-tailing option: otel-collector.yaml plus otel-collector.file-logs.yaml.
const withFileLogs = mergeCollectorConfigs(
  config,
  readStackYaml<Partial<CollectorConfig>>('otel-collector.file-logs.yaml'),
) as CollectorConfig;

describe('otel-collector.yaml', () => {
  it('has exactly a traces, a logs and a metrics pipeline', () => {
    expect(Object.keys(pipelines).sort()).toEqual(['logs', 'metrics', 'traces']);
  });

  it('defines every receiver, processor and exporter a pipeline names, and uses every one it defines', () => {
    const used = {
      receivers: new Set<string>(),
      processors: new Set<string>(),
      exporters: new Set<string>(),
    };
    for (const [name, pipeline] of Object.entries(pipelines)) {
      for (const kind of ['receivers', 'processors', 'exporters'] as const) {
        for (const id of pipeline[kind] ?? []) {
          expect(Object.keys(config[kind] ?? {}), `${name} pipeline: ${kind} ${id}`).toContain(id);
          used[kind].add(id);
        }
      }
    }
    for (const kind of ['receivers', 'processors', 'exporters'] as const) {
      expect([...used[kind]].sort()).toEqual(Object.keys(config[kind] ?? {}).sort());
    }
  });

  it('receives OTLP on 4318 (HTTP, what tracewire sends) and 4317 (gRPC) on all interfaces', () => {
    expect(config.receivers.otlp).toEqual({
      protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } },
    });
    for (const pipeline of Object.values(pipelines)) expect(pipeline.receivers).toContain('otlp');
  });

  it('sends traces to Tempo over OTLP/gRPC', () => {
    const [exporter] = pipelines.traces?.exporters ?? [];
    expect(pipelines.traces?.exporters).toHaveLength(1);
    expect(typeOf(exporter as string)).toBe('otlp_grpc');
    expect(config.exporters[exporter as string]).toMatchObject({
      endpoint: 'tempo:4317',
      tls: { insecure: true },
    });
    const tempo = readStackYaml<{
      distributor: { receivers: { otlp: { protocols: { grpc: { endpoint: string } } } } };
    }>('tempo.yaml');
    expect(tempo.distributor.receivers.otlp.protocols.grpc.endpoint).toBe('0.0.0.0:4317');
  });

  it("sends the services' OTLP log records to Loki's OTLP endpoint over OTLP/HTTP", () => {
    expect(pipelines.logs?.receivers).toEqual(['otlp']);
    expect(pipelines.logs?.processors).toEqual(['memory_limiter']);
    const [exporter] = pipelines.logs?.exporters ?? [];
    expect(pipelines.logs?.exporters).toHaveLength(1);
    expect(typeOf(exporter as string)).toBe('otlp_http');
    // The otlphttp exporter appends /v1/logs: Loki 3 takes OTLP at /otlp/v1/logs.
    expect(config.exporters[exporter as string]).toEqual({ endpoint: 'http://loki:3100/otlp' });
    // The services export their logs there (tracewire's OTLP log export), and Loki accepts
    // the structured metadata their trace IDs land in.
    const compose = readStackYaml<{ services: Record<string, { environment?: Record<string, string> }> }>(
      'docker-compose.yml',
    );
    for (const name of ['express-api', 'fastify-app', 'koa-app']) {
      const environment = compose.services[name]?.environment ?? {};
      expect(environment.OTEL_LOGS_EXPORTER, name).toBe('otlp');
      expect(environment.OTEL_EXPORTER_OTLP_ENDPOINT, name).toBe('http://otel-collector:4318');
      expect(environment.TRACEWIRE_LOG_STDOUT, name).toBeUndefined();
    }
    const loki = readStackYaml<{ limits_config: { allow_structured_metadata: boolean } }>('loki.yaml');
    expect(loki.limits_config.allow_structured_metadata).toBe(true);
  });

  it('keeps tailing container files as an option that is a valid config when merged', () => {
    const tailing = withFileLogs.service.pipelines;
    expect(Object.keys(tailing).sort()).toEqual(['logs', 'metrics', 'traces']);
    expect(tailing.logs?.receivers).toEqual(['otlp', 'file_log/containers']);
    expect(tailing.logs?.exporters).toEqual(pipelines.logs?.exporters);
    for (const [name, pipeline] of Object.entries(tailing)) {
      for (const kind of ['receivers', 'processors', 'exporters'] as const) {
        for (const id of pipeline[kind] ?? [])
          expect(Object.keys(withFileLogs[kind] ?? {}), `${name} pipeline: ${kind} ${id}`).toContain(id);
      }
    }
  });

  it("sends logs, including the containers' stdout, to Loki's OTLP endpoint", () => {
    const tailing = withFileLogs.service.pipelines;
    const [exporter] = tailing.logs?.exporters ?? [];
    expect(tailing.logs?.exporters).toHaveLength(1);
    expect(typeOf(exporter as string)).toBe('otlp_http');
    expect(withFileLogs.exporters[exporter as string]).toMatchObject({ endpoint: 'http://loki:3100/otlp' });
    const fileLog = tailing.logs?.receivers.find((id) => typeOf(id) === 'file_log');
    expect(fileLog).toBeDefined();
    expect(withFileLogs.receivers[fileLog as string]).toMatchObject({
      include: ['/var/lib/docker/containers/*/*-json.log'],
    });
  });

  it('keeps the pino line as the log body and lifts its trace context into the OTLP record', () => {
    const fileLog = Object.entries(withFileLogs.receivers).find(([id]) => typeOf(id) === 'file_log')?.[1] as {
      operators: Record<string, unknown>[];
    };
    const toBody = fileLog.operators.find((operator) => operator.type === 'move' && operator.to === 'body');
    expect(toBody?.from).toBe('attributes.log');
    const pino = fileLog.operators.find((operator) => operator.id === 'pino_line');
    expect(pino).toMatchObject({
      type: 'json_parser',
      parse_from: 'body',
      trace: {
        trace_id: { parse_from: 'attributes.pino.trace_id' },
        span_id: { parse_from: 'attributes.pino.span_id' },
      },
      severity: { parse_from: 'attributes.pino.level' },
    });
    const serviceName = fileLog.operators.find(
      (operator) => operator.type === 'move' && operator.to === 'resource["service.name"]',
    );
    expect(serviceName?.from).toBe('attributes.attrs.OTEL_SERVICE_NAME');
  });

  it('exposes pushed metrics for Prometheus with the names tracewire itself serves', () => {
    const [exporter] = pipelines.metrics?.exporters ?? [];
    expect(pipelines.metrics?.exporters).toHaveLength(1);
    expect(exporter).toBe('prometheus');
    expect(config.exporters.prometheus).toMatchObject({
      endpoint: '0.0.0.0:8889',
      translation_strategy: 'UnderscoreEscapingWithSuffixes',
    });
    const prometheus = readStackYaml<{
      scrape_configs: { job_name: string; honor_labels?: boolean; static_configs: { targets: string[] }[] }[];
    }>('prometheus.yml');
    const job = prometheus.scrape_configs.find((scrape) =>
      scrape.static_configs.some((group) => group.targets.includes('otel-collector:8889')),
    );
    expect(job?.honor_labels).toBe(true);
  });
});
