import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { describe, expect, it } from 'vitest';
import { FanOutSpanExporter } from '../../src/tracing/fan-out-span-exporter.ts';

function recordingExporter(code: ExportResultCode, received: ReadableSpan[][]): SpanExporter {
  return {
    export(spans, callback) {
      received.push(spans);
      setImmediate(() => callback({ code }));
    },
    shutdown: async () => {},
  };
}

function exportThrough(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('FanOutSpanExporter', () => {
  it('hands the same batch to every destination and succeeds when all do', async () => {
    const first: ReadableSpan[][] = [];
    const second: ReadableSpan[][] = [];
    const batch = [{ name: 'GET /x' }] as unknown as ReadableSpan[];
    const result = await exportThrough(
      new FanOutSpanExporter([
        recordingExporter(ExportResultCode.SUCCESS, first),
        recordingExporter(ExportResultCode.SUCCESS, second),
      ]),
      batch,
    );
    expect(result.code).toBe(ExportResultCode.SUCCESS);
    // The very same array: destinations share one encoding of it.
    expect(first[0]).toBe(batch);
    expect(second[0]).toBe(batch);
  });

  it('reports the batch as failed when one destination fails, after all have answered', async () => {
    const received: ReadableSpan[][] = [];
    const result = await exportThrough(
      new FanOutSpanExporter([
        recordingExporter(ExportResultCode.FAILED, received),
        recordingExporter(ExportResultCode.SUCCESS, received),
      ]),
      [] as ReadableSpan[],
    );
    expect(result.code).toBe(ExportResultCode.FAILED);
    expect(received).toHaveLength(2);
  });
});
