// The dashboards query metric names the library really emits: checked against a live
// tracewire /metrics endpoint, and end to end through Debian's real Prometheus.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  type LiveTracewireService,
  parseExposition,
  type ScrapedSample,
  startLiveTracewireService,
} from './helpers/live-tracewire-service.ts';
import { missingBuild, type RunningExample, startExample } from '../../test-helpers/run-example.ts';
import { promqlSelectors, withGrafanaVariables } from './helpers/promql.ts';
import {
  findExecutable,
  prometheusExpressions,
  RUNNING_IN_CI,
  readStackYaml,
} from './helpers/stack-files.ts';

// Series Tempo's metrics-generator derives from the spans tracewire exports, remote-written
// to Prometheus. They exist only when tempo.yaml enables the processor that writes them.
const TEMPO_GENERATED = [
  { prefix: 'traces_spanmetrics_', processor: 'span-metrics' },
  { prefix: 'traces_service_graph_', processor: 'service-graphs' },
];

// Labels Prometheus adds to every scraped series.
const TARGET_LABELS = ['job', 'instance'];

let service: LiveTracewireService;
let samples: ScrapedSample[];

beforeAll(async () => {
  service = await startLiveTracewireService();
  await service.drive({ ok: 5, failing: 2 });
  // Runtime metrics such as the event loop delay quantiles appear once the runtime
  // instrumentation has sampled for a while; scrape until they are there.
  const deadline = Date.now() + 10_000;
  do {
    samples = parseExposition(await service.scrape());
    if (samples.some((sample) => sample.name === 'nodejs_eventloop_delay_p99_seconds')) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  } while (Date.now() < deadline);
});

afterAll(async () => {
  await service?.close();
});

describe('dashboard PromQL against a live tracewire /metrics endpoint', () => {
  it('records the request histogram with route, method and status labels, 500s included', () => {
    const counts = samples.filter((sample) => sample.name === 'http_server_request_duration_seconds_count');
    expect(counts.map((sample) => sample.labels.http_route)).toContain(service.route);
    expect(counts.map((sample) => sample.labels.http_response_status_code).sort()).toEqual(['200', '500']);
    expect(samples.some((sample) => sample.name === 'http_server_request_duration_seconds_bucket')).toBe(
      true,
    );
    expect(samples.some((sample) => sample.name === 'http_server_request_duration_seconds_sum')).toBe(true);
    // Unit suffixes as OTLP-to-Prometheus translation writes them: one name either way.
    expect(
      samples.some((sample) => /^http_server_request_duration_(bucket|count|sum)$/.test(sample.name)),
    ).toBe(false);
    const target = samples.find((sample) => sample.name === 'target_info');
    expect(target?.labels).toMatchObject({
      service_name: service.serviceName,
      service_version: `${service.serviceName}@1.0.0`,
      deployment_environment_name: 'development',
    });
  });

  it('uses only metric names the library emits (or Tempo derives from its spans)', () => {
    const tempo = readStackYaml<{ overrides: { defaults: { metrics_generator: { processors: string[] } } } }>(
      'tempo.yaml',
    );
    const processors = tempo.overrides.defaults.metrics_generator.processors;
    const emitted = new Set(samples.map((sample) => sample.name));
    const expressions = prometheusExpressions();
    expect(expressions.length).toBeGreaterThan(5);

    const unknown: string[] = [];
    for (const { where, expr } of expressions) {
      for (const { metric } of promqlSelectors(expr)) {
        const generated = TEMPO_GENERATED.find((source) => metric.startsWith(source.prefix));
        if (generated ? !processors.includes(generated.processor) : !emitted.has(metric)) {
          unknown.push(`${where}: ${metric}`);
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it('filters only on labels the emitted series carry', () => {
    const labelsByMetric = new Map<string, Set<string>>();
    for (const sample of samples) {
      const labels = labelsByMetric.get(sample.name) ?? new Set(TARGET_LABELS);
      for (const label of Object.keys(sample.labels)) labels.add(label);
      labelsByMetric.set(sample.name, labels);
    }
    const wrong: string[] = [];
    for (const { where, expr } of prometheusExpressions()) {
      for (const { metric, labels } of promqlSelectors(expr)) {
        const known = labelsByMetric.get(metric);
        if (!known) continue; // Tempo-generated, checked above
        for (const label of labels) if (!known.has(label)) wrong.push(`${where}: ${metric}{${label}}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

const prometheusBinary = findExecutable('prometheus');

describe('real Prometheus scraping tracewire', () => {
  if (!prometheusBinary) {
    if (RUNNING_IN_CI) {
      it('needs Debian prometheus, which .ci/run installs', () => {
        throw new Error('prometheus is not on PATH: .ci/run installs the Debian "prometheus" package');
      });
    } else {
      it.skip('skipped: prometheus is not installed (apt-get install prometheus)', () => {});
    }
    return;
  }

  let prometheus: ChildProcess | undefined;
  let prometheusUrl: string;
  let dataDir: string;
  const prometheusLog: string[] = [];
  // The Express example, as deployed: its own process, its own /metrics port.
  const exampleNotBuilt = missingBuild('express');
  let example: RunningExample | undefined;
  let exampleMetricsPort: number | undefined;

  beforeAll(async () => {
    if (!exampleNotBuilt) {
      exampleMetricsPort = await freeLoopbackPort();
      example = await startExample('express-api', {
        OTEL_SERVICE_NAME: 'express-api',
        SENTRY_DSN: '',
        SENTRY_ENVIRONMENT: 'development',
        TRACEWIRE_METRICS: 'prometheus',
        TRACEWIRE_PROMETHEUS_PORT: String(exampleMetricsPort),
      });
      for (const id of [1, 2, 1]) await (await fetch(`${example.url}/api/items/${id}`)).arrayBuffer();
    }
    dataDir = mkdtempSync(path.join(tmpdir(), 'tracewire-prometheus-'));
    const configFile = path.join(dataDir, 'prometheus.yml');
    writeFileSync(
      configFile,
      stringify({
        global: { scrape_interval: '1s', evaluation_interval: '1s' },
        scrape_configs: [
          {
            job_name: service.serviceName,
            scrape_interval: '1s',
            static_configs: [{ targets: [`127.0.0.1:${service.metricsEndpoint.port}`] }],
          },
          ...(exampleMetricsPort
            ? [
                {
                  job_name: 'express-api',
                  scrape_interval: '1s',
                  static_configs: [{ targets: [`127.0.0.1:${exampleMetricsPort}`] }],
                },
              ]
            : []),
        ],
      }),
    );
    const port = await freeLoopbackPort();
    prometheusUrl = `http://127.0.0.1:${port}`;
    prometheus = spawn(
      prometheusBinary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dataDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const keepLog = (chunk: Buffer) => prometheusLog.push(chunk.toString());
    prometheus.stdout?.on('data', keepLog);
    prometheus.stderr?.on('data', keepLog);
    // A crashed test run must not leave Prometheus behind.
    process.once('exit', killPrometheus);
  });

  function killPrometheus() {
    if (prometheus && prometheus.exitCode === null && prometheus.signalCode === null)
      prometheus.kill('SIGKILL');
  }

  afterAll(async () => {
    await example?.stop();
    process.removeListener('exit', killPrometheus);
    if (prometheus && prometheus.exitCode === null && prometheus.signalCode === null) {
      const exited = new Promise((resolve) => prometheus?.once('exit', resolve));
      prometheus.kill('SIGTERM');
      const timer = setTimeout(killPrometheus, 5_000);
      await exited;
      clearTimeout(timer);
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  async function query(
    expr: string,
  ): Promise<{ status: string; data?: { result: unknown[] }; error?: string }> {
    const response = await fetch(`${prometheusUrl}/api/v1/query?query=${encodeURIComponent(expr)}`);
    return (await response.json()) as { status: string; data?: { result: unknown[] }; error?: string };
  }

  it('scrapes http_server_request_duration_seconds_count with the route label', async () => {
    const deadline = Date.now() + 25_000;
    let result: { metric: Record<string, string> }[] = [];
    while (Date.now() < deadline) {
      if (prometheus?.exitCode !== null) throw new Error(`prometheus exited:\n${prometheusLog.join('')}`);
      try {
        const answer = await query(
          `http_server_request_duration_seconds_count{job="${service.serviceName}", http_route!=""}`,
        );
        result = (answer.data?.result ?? []) as typeof result;
        if (result.length > 0) break;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(
      result.length,
      `no series after 25 s; prometheus said:\n${prometheusLog.join('')}`,
    ).toBeGreaterThan(0);
    expect(result.map((series) => series.metric.http_route)).toContain(service.route);
    expect(result[0]?.metric.job).toBe(service.serviceName);
  }, 30_000);

  it.skipIf(exampleNotBuilt)(
    `reads the express-api example's request histogram back by route${exampleNotBuilt ? ` (skipped: ${exampleNotBuilt})` : ''}`,
    async () => {
      const deadline = Date.now() + 25_000;
      let result: { metric: Record<string, string>; value: [number, string] }[] = [];
      while (Date.now() < deadline) {
        if (prometheus?.exitCode !== null) throw new Error(`prometheus exited:\n${prometheusLog.join('')}`);
        try {
          // The first request on the server is counted by OpenTelemetry's http
          // instrumentation, the rest by the adapter (another `otel_scope_name`): sum them.
          const answer = await query(
            'sum by (http_request_method, http_response_status_code) (http_server_request_duration_seconds_count{job="express-api", http_route="/api/items/:id"})',
          );
          result = (answer.data?.result ?? []) as typeof result;
          if (result.length > 0) break;
        } catch {
          // not listening yet
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(
        result.length,
        `no series after 25 s; prometheus said:\n${prometheusLog.join('')}`,
      ).toBeGreaterThan(0);
      expect(result[0]?.metric).toMatchObject({
        http_request_method: 'GET',
        http_response_status_code: '200',
      });
      expect(Number(result[0]?.value[1])).toBe(3);
    },
    30_000,
  );

  it('accepts every dashboard PromQL expression', async () => {
    const rejected: string[] = [];
    for (const { where, expr } of prometheusExpressions()) {
      const answer = await query(withGrafanaVariables(expr));
      if (answer.status !== 'success') rejected.push(`${where}: ${answer.error}`);
    }
    expect(rejected).toEqual([]);
  });

  it('answers the dashboard request-rate query for the service and route', async () => {
    const expression = prometheusExpressions().find(({ where }) => where.includes('Request rate by route'));
    expect(expression).toBeDefined();
    // rate() needs two samples of the counter; scrapes run every second.
    const deadline = Date.now() + 10_000;
    let result: { metric: Record<string, string> }[] = [];
    const hasService = () => result.some((series) => series.metric.job === service.serviceName);
    while (Date.now() < deadline && !hasService()) {
      await service.drive({ ok: 1, failing: 0 });
      const answer = await query(withGrafanaVariables(expression!.expr));
      result = (answer.data?.result ?? []) as typeof result;
      if (!hasService()) await new Promise((resolve) => setTimeout(resolve, 500));
    }
    expect(result.map((series) => [series.metric.job, series.metric.http_route])).toContainEqual([
      service.serviceName,
      service.route,
    ]);
  }, 15_000);
});

function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
