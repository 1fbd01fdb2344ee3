// Flushes whatever OpenTelemetry providers are registered globally, so a variant's last
// batch reaches the sink before the process exits and is counted for that variant.
import { logs, metrics, trace } from '@opentelemetry/api';

export async function flushGlobalOpenTelemetry() {
  const providers = [trace.getTracerProvider(), metrics.getMeterProvider(), logs.getLoggerProvider()];
  await Promise.allSettled(
    providers.map((provider) => (provider.getDelegate?.() ?? provider).forceFlush?.()),
  );
}
