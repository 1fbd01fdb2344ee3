import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/** Called with the number of spans an export could not deliver. */
export type DroppedSpansListener = (count: number, destination: string) => void;

/**
 * Wraps an exporter so spans it failed to deliver (after the exporter's own retries)
 * are counted. Users see the loss on the `tracewire.telemetry.dropped` metric instead
 * of discovering gaps in Tempo later.
 */
export class CountingSpanExporter implements SpanExporter {
  constructor(
    private readonly inner: SpanExporter,
    private readonly destination: string,
    private readonly onDropped: DroppedSpansListener,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    try {
      this.inner.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) this.onDropped(spans.length, this.destination);
        resultCallback(result);
      });
    } catch (error) {
      this.onDropped(spans.length, this.destination);
      resultCallback({ code: ExportResultCode.FAILED, error: error as Error });
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}
