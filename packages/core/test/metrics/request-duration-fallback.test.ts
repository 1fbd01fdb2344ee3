// With tracewire's own metrics off, the adapters' requests still record
// `http.server.request.duration` into the global meter: an app that runs its own
// OpenTelemetry metrics SDK keeps getting them, as before tracewire had its own histogram.
import { EventEmitter } from 'node:events';
import { metrics } from '@opentelemetry/api';
import { type HistogramMetricData, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { memoryDestination } from '@tracewire/testing/fixtures';
import { afterEach, expect, it } from 'vitest';
import { createRequestObserver } from '../../src/adapter.ts';
import { initObservability, type ObservabilityHandle } from '../../src/index.ts';

class ManualReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

let handle: ObservabilityHandle | undefined;
let provider: MeterProvider | undefined;

afterEach(async () => {
  await handle?.shutdown();
  await provider?.shutdown();
  metrics.disable();
});

it('records into the app’s own meter provider when tracewire’s metrics are off', async () => {
  handle = initObservability({
    env: { TRACEWIRE_METRICS: 'none', OTEL_SERVICE_NAME: 'fallback-test' },
    logDestination: memoryDestination(),
    handleSignals: false,
  });
  expect(handle.pipelines.metrics).toBe(false);
  const reader = new ManualReader();
  provider = new MeterProvider({ readers: [reader] });
  metrics.setGlobalMeterProvider(provider);

  const response = Object.assign(new EventEmitter(), { statusCode: 503, setHeader() {} });
  const observed = createRequestObserver({ handle, accessLog: false }).start({
    method: 'GET',
    url: '/orders/7',
    headers: { host: 'localhost' },
    httpVersion: '1.1',
    response,
  });
  observed.setRoute('/orders/:id');
  response.emit('finish');

  const { resourceMetrics } = await reader.collect();
  const metric = resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((candidate) => candidate.descriptor.name === 'http.server.request.duration') as
    | HistogramMetricData
    | undefined;
  expect(metric?.dataPoints).toHaveLength(1);
  expect(metric?.dataPoints[0]?.attributes).toEqual({
    'http.request.method': 'GET',
    'http.response.status_code': 503,
    'url.scheme': 'http',
    'network.protocol.version': '1.1',
    'http.route': '/orders/:id',
    'error.type': '503',
  });
  expect(metric?.dataPoints[0]?.value.count).toBe(1);
});
