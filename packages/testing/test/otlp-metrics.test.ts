// Metric data points of every kind the OTel SDK produces, from the real exporters.
import { OTLPMetricExporter as OTLPMetricExporterJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OTLPMetricExporterProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type PushMetricExporter,
} from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { type ReceivedMetricPoint, startTestSink, type TestSink } from '../src/index.ts';

let sink: TestSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

const GZIP = 'gzip' as never;

const exporters: [string, (url: string, gzip: boolean) => PushMetricExporter][] = [
  ['protobuf', (url, gzip) => new OTLPMetricExporterProto({ url, ...(gzip ? { compression: GZIP } : {}) })],
  ['json', (url, gzip) => new OTLPMetricExporterJson({ url, ...(gzip ? { compression: GZIP } : {}) })],
];

/** Records one of each instrument kind and exports once. */
async function exportMetrics(exporter: PushMetricExporter): Promise<void> {
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    views: [
      {
        instrumentName: 'payload.size',
        aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM },
      },
    ],
    // A long interval: the export below is triggered by forceFlush, not by the timer.
    readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 })],
  });
  const meter = provider.getMeter('checkout-meter', '2.0.0');
  const requests = meter.createCounter('http.server.requests', {
    unit: '{request}',
    description: 'Requests',
  });
  requests.add(3, { 'http.route': '/users/:id' });
  requests.add(2, { 'http.route': '/health' });
  const bigCounter = meter.createCounter('bytes.total', { valueType: 1 /* ValueType.INT */ });
  bigCounter.add(2 ** 40);
  const active = meter.createUpDownCounter('http.server.active_requests');
  active.add(5);
  active.add(-2);
  meter
    .createObservableGauge('process.memory.usage', { unit: 'By' })
    .addCallback((result) => result.observe(1234.5));
  const duration = meter.createHistogram('http.server.request.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.1, 0.5, 1] },
  });
  for (const value of [0.05, 0.2, 0.3, 2]) duration.record(value, { 'http.route': '/users/:id' });
  const payload = meter.createHistogram('payload.size', { unit: 'By' });
  for (const value of [10, 100, 1000, 0]) payload.record(value);
  await provider.forceFlush();
  await provider.shutdown();
}

function point(points: readonly ReceivedMetricPoint[], name: string, route?: string): ReceivedMetricPoint {
  const found = points.find(
    (p) => p.name === name && (route === undefined || p.attributes['http.route'] === route),
  );
  if (!found) throw new Error(`no ${name} point`);
  return found;
}

describe.each(exporters)('OTLP metrics over %s', (_format, makeExporter) => {
  it.each([false, true])(
    'decodes sums, gauges, histograms and exponential histograms (gzip: %s)',
    async (gzip) => {
      sink = await startTestSink();
      await exportMetrics(makeExporter(sink.endpoints.metrics, gzip));
      await sink.waitFor((s) => s.metrics.some((p) => p.name === 'payload.size'));
      const { metrics } = sink;

      expect(point(metrics, 'http.server.requests', '/users/:id')).toMatchObject({
        type: 'sum',
        unit: '{request}',
        description: 'Requests',
        temporality: 'cumulative',
        isMonotonic: true,
        value: 3,
        resource: expect.objectContaining({ 'service.name': 'checkout' }),
        scope: { name: 'checkout-meter', version: '2.0.0', attributes: {} },
        receiver: 'otlp',
      });
      expect(point(metrics, 'http.server.requests', '/health').value).toBe(2);
      expect(point(metrics, 'bytes.total').value).toBe(2 ** 40);
      expect(point(metrics, 'http.server.active_requests')).toMatchObject({
        type: 'sum',
        isMonotonic: false,
        value: 3,
      });
      expect(point(metrics, 'process.memory.usage')).toMatchObject({
        type: 'gauge',
        value: 1234.5,
        unit: 'By',
      });
      expect(point(metrics, 'http.server.request.duration')).toMatchObject({
        type: 'histogram',
        unit: 's',
        temporality: 'cumulative',
        count: 4,
        sum: 2.55,
        min: 0.05,
        max: 2,
        explicitBounds: [0.1, 0.5, 1],
        bucketCounts: [1, 2, 0, 1],
        attributes: { 'http.route': '/users/:id' },
      });
      const exponential = point(metrics, 'payload.size');
      expect(exponential).toMatchObject({
        type: 'exponentialHistogram',
        count: 4,
        sum: 1110,
        min: 0,
        max: 1000,
        zeroCount: 1,
      });
      expect(exponential.scale).toEqual(expect.any(Number));
      expect(exponential.positive!.bucketCounts.reduce((a, b) => a + b, 0)).toBe(3);
      for (const p of metrics) {
        expect(BigInt(p.timeUnixNano)).toBeGreaterThan(0n);
        expect(p.exemplars).toEqual([]);
      }
    },
  );
});

it('decodes the same metrics identically from protobuf and JSON', async () => {
  sink = await startTestSink();
  await exportMetrics(new OTLPMetricExporterProto({ url: sink.endpoints.metrics }));
  const fromProto = sink.metrics.slice();
  sink.reset();
  await exportMetrics(new OTLPMetricExporterJson({ url: sink.endpoints.metrics }));
  const normalise = (points: readonly ReceivedMetricPoint[]) =>
    points
      .map((p) => ({ ...p, startTimeUnixNano: '', timeUnixNano: '' }))
      .sort((a, b) =>
        `${a.name}${String(a.attributes['http.route'])}`.localeCompare(
          `${b.name}${String(b.attributes['http.route'])}`,
        ),
      );
  expect(normalise(sink.metrics)).toEqual(normalise(fromProto));
});

it('reports delta temporality when the exporter asks for it', async () => {
  sink = await startTestSink();
  await exportMetrics(
    new OTLPMetricExporterProto({
      url: sink.endpoints.metrics,
      temporalityPreference: AggregationTemporality.DELTA,
    }),
  );
  await sink.waitFor({ metrics: 1 });
  expect(point(sink.metrics, 'http.server.requests', '/health').temporality).toBe('delta');
});
