import type { Context, TextMapGetter, TextMapPropagator, TextMapSetter } from '@opentelemetry/api';

/** Called when an incoming trace header was present but could not be used. */
export type InvalidHeaderListener = (header: string, reason: string) => void;

/**
 * Wraps a propagator so a present-but-unusable incoming header (a garbled
 * `traceparent`, a malformed `sentry-trace`) is reported instead of silently starting a
 * new trace. Extraction itself is unchanged: the request goes on with a fresh trace.
 */
export class ReportingPropagator implements TextMapPropagator {
  constructor(
    private readonly inner: TextMapPropagator,
    private readonly header: string,
    private readonly description: string,
    private readonly onInvalid: InvalidHeaderListener,
  ) {}

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    this.inner.inject(context, carrier, setter);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    const extracted = this.inner.extract(context, carrier, getter);
    const raw = getter.get(carrier, this.header);
    if (raw !== undefined && raw !== '' && extracted === context) {
      try {
        // The value itself is the caller's and may be anything; it is not logged.
        this.onInvalid(this.header, `it is not ${this.description}`);
      } catch {
        // Reporting never fails a request.
      }
    }
    return extracted;
  }

  fields(): string[] {
    return this.inner.fields();
  }
}
