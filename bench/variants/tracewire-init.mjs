// The one place the bench starts tracewire, shared by every tracewire server and the
// logging bench. Configuration comes from the environment the harness sets (SENTRY_DSN,
// OTEL_EXPORTER_OTLP_ENDPOINT, SENTRY_TRACE_SAMPLE_RATE, TRACEWIRE_METRICS, LOG_LEVEL);
// only the log destination is passed in code, so tracewire's logger writes to the same
// kind of file as the bare variants. If @tracewire/core names that option differently,
// this is the line to change.
import { benchLogDestination } from './common.mjs';

export async function initTracewireForBench({ logDestination = benchLogDestination() } = {}) {
  const { initObservability } = await import('@tracewire/core');
  return await initObservability({ logDestination });
}
