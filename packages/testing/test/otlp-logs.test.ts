// Log records from the real exporters, with structured bodies that exercise every AnyValue kind.
import { context, SeverityNumber, trace } from '@opentelemetry/api';
import { OTLPLogExporter as OTLPLogExporterJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPLogExporterProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { type LogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { TracerProvider } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSink, type TestSink } from '../src/index.ts';

let sink: TestSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

const GZIP = 'gzip' as never;

const exporters: [string, (url: string, gzip: boolean) => LogRecordExporter][] = [
  ['protobuf', (url, gzip) => new OTLPLogExporterProto({ url, ...(gzip ? { compression: GZIP } : {}) })],
  ['json', (url, gzip) => new OTLPLogExporterJson({ url, ...(gzip ? { compression: GZIP } : {}) })],
];

async function exportLogs(exporter: LogRecordExporter): Promise<{ traceId: string; spanId: string }> {
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': 'checkout' }),
    processors: [new SimpleLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('checkout-logger', '3.0.0');
  // A span from a tracer that is never exported, just to give one record a trace context.
  const span = new TracerProvider().getTracer('t').startSpan('request');
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'user signed in',
    attributes: { 'user.id': 7, 'http.route': '/login', admin: true },
    context: trace.setSpan(context.active(), span),
  });
  logger.emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    eventName: 'payment.failed',
    body: {
      message: 'card declined',
      amount: 12.5,
      attempts: 3,
      retry: false,
      codes: ['do_not_honor', 51],
      raw: new Uint8Array([0, 1, 254, 255]),
      nested: { deeper: { level: 2 } },
    },
  });
  span.end();
  await provider.forceFlush();
  await provider.shutdown();
  return span.spanContext();
}

describe.each(exporters)('OTLP logs over %s', (_format, makeExporter) => {
  it.each([false, true])('decodes log records and structured bodies (gzip: %s)', async (gzip) => {
    sink = await startTestSink();
    const { traceId, spanId } = await exportLogs(makeExporter(sink.endpoints.logs, gzip));
    await sink.waitFor({ logs: 2 });
    // One export per record (SimpleLogRecordProcessor): the two requests may arrive in
    // either order, so each record is found by its severity.
    const info = sink.logs.find((record) => record.severityNumber === SeverityNumber.INFO);
    const error = sink.logs.find((record) => record.severityNumber === SeverityNumber.ERROR);
    expect(sink.logs).toHaveLength(2);

    expect(info).toMatchObject({
      severityNumber: SeverityNumber.INFO,
      severityText: 'INFO',
      body: 'user signed in',
      attributes: { 'user.id': 7, 'http.route': '/login', admin: true },
      traceId,
      spanId,
      flags: 1,
      eventName: undefined,
      resource: expect.objectContaining({ 'service.name': 'checkout' }),
      scope: { name: 'checkout-logger', version: '3.0.0', attributes: {} },
      receiver: 'otlp',
    });
    expect(BigInt(info!.timeUnixNano)).toBeGreaterThan(0n);
    expect(BigInt(info!.observedTimeUnixNano)).toBeGreaterThan(0n);

    expect(error).toMatchObject({
      severityNumber: SeverityNumber.ERROR,
      eventName: 'payment.failed',
      traceId: undefined,
      spanId: undefined,
      body: {
        message: 'card declined',
        amount: 12.5,
        attempts: 3,
        retry: false,
        codes: ['do_not_honor', 51],
        raw: new Uint8Array([0, 1, 254, 255]),
        nested: { deeper: { level: 2 } },
      },
    });
  });
});
