import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpMetricExporter } from '../../src/metrics/otlp-metric-exporter.ts';

const ENV_ONLY = {
  OTEL_EXPORTER_OTLP_HEADERS: 'x-from-env=leaked',
  OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'x-metrics-from-env=leaked',
  OTEL_EXPORTER_OTLP_METRICS_COMPRESSION: 'gzip',
};

describe('the OTLP metric exporter reads tracewire config only', () => {
  let sink: TestSink | undefined;
  let provider: MeterProvider | undefined;
  const saved = Object.fromEntries(Object.keys(ENV_ONLY).map((name) => [name, process.env[name]]));

  afterEach(async () => {
    await provider?.shutdown();
    await sink?.close();
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it.each(['http/protobuf', 'http/json'] as const)(
    'sends exactly the configured headers over %s, whatever OTEL_EXPORTER_OTLP_* says',
    async (protocol) => {
      Object.assign(process.env, ENV_ONLY);
      sink = await startTestSink();
      const exporter = createOtlpMetricExporter({
        url: `${sink.url}/v1/metrics`,
        headers: { authorization: 'Bearer configured' },
        protocol,
      });
      const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
      provider = new MeterProvider({ readers: [reader] });
      provider.getMeter('test').createCounter('orders').add(3);
      await reader.forceFlush();
      const request = await sink.waitFor((current) =>
        current.requests.find((candidate) => candidate.path === '/v1/metrics'),
      );
      expect(request.headers.authorization).toBe('Bearer configured');
      expect(request.headers['x-from-env']).toBeUndefined();
      expect(request.headers['x-metrics-from-env']).toBeUndefined();
      expect(request.contentEncoding).toBeUndefined();
      await sink.waitFor({ metrics: 1 });
      expect(sink.metrics.map((point) => point.name)).toContain('orders');
    },
  );
});
