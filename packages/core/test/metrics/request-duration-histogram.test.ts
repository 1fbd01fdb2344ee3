// tracewire records `http.server.request.duration` itself (a metric producer) instead of
// through OpenTelemetry's histogram instrument: the same recordings must give the same
// data points as the SDK's explicit-bucket histogram with the same boundaries.
import type { Attributes } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  type Histogram,
  type HistogramMetricData,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DURATION_BUCKETS, RequestDurationHistogram } from '../../src/metrics/request-duration-histogram.ts';

class ManualReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

interface Recording {
  seconds: number;
  method: string;
  status: number;
  scheme: string;
  protocolVersion: string | undefined;
  route: string | undefined;
  errorType: string | undefined;
}

function attributesOf(recording: Recording): Attributes {
  const attributes: Attributes = {
    'http.request.method': recording.method,
    'http.response.status_code': recording.status,
    'url.scheme': recording.scheme,
  };
  if (recording.protocolVersion) attributes['network.protocol.version'] = recording.protocolVersion;
  if (recording.route) attributes['http.route'] = recording.route;
  if (recording.errorType) attributes['error.type'] = recording.errorType;
  return attributes;
}

/** The data points as comparable values, ordered by their attributes. */
function points(dataPoints: DataPoint<Histogram>[]) {
  return dataPoints
    .map((point) => ({ attributes: point.attributes, value: point.value }))
    .sort((a, b) => JSON.stringify(a.attributes).localeCompare(JSON.stringify(b.attributes)));
}

async function throughTracewire(recordings: Recording[]) {
  const histogram = new RequestDurationHistogram();
  for (const r of recordings)
    histogram.record(r.seconds, r.method, r.status, r.scheme, r.protocolVersion, r.route, r.errorType);
  const { resourceMetrics } = await histogram.collect();
  const metric = resourceMetrics.scopeMetrics[0]?.metrics[0] as HistogramMetricData | undefined;
  return { scope: resourceMetrics.scopeMetrics[0]?.scope, metric };
}

async function throughSdk(recordings: Recording[]) {
  const reader = new ManualReader();
  const provider = new MeterProvider({ readers: [reader] });
  const histogram = provider.getMeter('@tracewire/core').createHistogram('http.server.request.duration', {
    unit: 's',
    description: 'Duration of HTTP server requests.',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
  });
  for (const r of recordings) histogram.record(r.seconds, attributesOf(r));
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  return resourceMetrics.scopeMetrics[0]?.metrics[0] as HistogramMetricData | undefined;
}

const recording = fc.record({
  seconds: fc.oneof(
    fc.constantFrom(...DURATION_BUCKETS, 0, 11, 0.0049999),
    fc.double({ min: 0, max: 20, noNaN: true }),
  ),
  method: fc.constantFrom('GET', 'POST', '_OTHER'),
  status: fc.constantFrom(200, 404, 500, 503),
  scheme: fc.constantFrom('http', 'https'),
  protocolVersion: fc.constantFrom('1.1', '2', undefined),
  route: fc.constantFrom('/users/:id', '/', undefined, 'GET'),
  errorType: fc.constantFrom(undefined, '500', 'TypeError'),
});

describe('RequestDurationHistogram', () => {
  it('produces the data points the SDK histogram produces for the same recordings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recording, { minLength: 1, maxLength: 60 }), async (recordings) => {
        const ours = await throughTracewire(recordings);
        const sdk = await throughSdk(recordings);
        expect(ours.metric?.descriptor).toMatchObject({
          name: sdk?.descriptor.name,
          unit: sdk?.descriptor.unit,
          description: sdk?.descriptor.description,
        });
        expect(ours.metric?.aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
        expect(ours.metric?.dataPointType).toBe(sdk?.dataPointType);
        expect(points(ours.metric?.dataPoints ?? [])).toEqual(points(sdk?.dataPoints ?? []));
      }),
      { numRuns: 150 },
    );
  });

  it('keeps counting across collections (cumulative), under the tracewire scope', async () => {
    const histogram = new RequestDurationHistogram();
    histogram.record(0.02, 'GET', 200, 'http', '1.1', '/a', undefined);
    const first = await histogram.collect();
    histogram.record(0.2, 'GET', 200, 'http', '1.1', '/a', undefined);
    const second = await histogram.collect();
    expect(second.resourceMetrics.scopeMetrics[0]?.scope.name).toBe('@tracewire/core');
    const pointOf = (result: typeof first) =>
      (result.resourceMetrics.scopeMetrics[0]?.metrics[0] as HistogramMetricData | undefined)?.dataPoints[0];
    const before = pointOf(first);
    const after = pointOf(second);
    expect(before?.value.count).toBe(1);
    expect(after?.value).toMatchObject({ count: 2, min: 0.02, max: 0.2 });
    expect(after?.startTime).toEqual(before?.startTime);
  });

  it('bounds its series as the SDK does: the rest under otel.metric.overflow', async () => {
    const recordings: Recording[] = Array.from({ length: 2100 }, (_, index) => ({
      seconds: 0.01,
      method: 'GET',
      status: 200,
      scheme: 'http',
      protocolVersion: '1.1',
      route: `/route/${index}`,
      errorType: undefined,
    }));
    const ours = await throughTracewire(recordings);
    const sdk = await throughSdk(recordings);
    expect(ours.metric?.dataPoints).toHaveLength(2000);
    expect(points(ours.metric?.dataPoints ?? [])).toEqual(points(sdk?.dataPoints ?? []));
    const overflow = ours.metric?.dataPoints.find(
      (point) => point.attributes['otel.metric.overflow'] === true,
    );
    expect(overflow?.value.count).toBe(101);
  });

  it('has nothing to report before the first request', async () => {
    const { resourceMetrics } = await new RequestDurationHistogram().collect();
    expect(resourceMetrics.scopeMetrics).toEqual([]);
  });
});
