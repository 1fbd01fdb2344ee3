import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';

/**
 * Sends each batch to several exporters: one batch processor (one queue, one batch
 * array) feeds Tempo and Sentry, instead of a processor per destination queueing every
 * span twice. Exporters given the same array can then share its encoding.
 *
 * The batch counts as failed when any destination failed, so the failure is reported;
 * each destination counts its own dropped spans.
 */
export class FanOutSpanExporter implements SpanExporter {
  constructor(private readonly exporters: readonly SpanExporter[]) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    let pending = this.exporters.length;
    let failure: ExportResult | undefined;
    for (const exporter of this.exporters) {
      exporter.export(spans, (result) => {
        if (result.code !== ExportResultCode.SUCCESS) failure ??= result;
        pending -= 1;
        if (pending === 0) resultCallback(failure ?? { code: ExportResultCode.SUCCESS });
      });
    }
  }

  async shutdown(): Promise<void> {
    await Promise.all(this.exporters.map((exporter) => exporter.shutdown()));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.exporters.map((exporter) => exporter.forceFlush?.()));
  }
}
