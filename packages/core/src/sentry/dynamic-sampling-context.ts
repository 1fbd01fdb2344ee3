import { context, propagation } from '@opentelemetry/api';
import type { Client } from '@sentry/core';

const SENTRY_PREFIX = 'sentry-';

/**
 * The dynamic sampling context the global propagator would send downstream from a
 * context: the `sentry-*` members of the `baggage` it injects, unprefixed and decoded.
 * Undefined when it would send none (no DSN, no valid span, tracing suppressed).
 */
function dynamicSamplingContextOf(
  active: ReturnType<typeof context.active>,
): Record<string, string> | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(active, carrier);
  const baggage = carrier.baggage;
  if (!baggage) return undefined;
  let dsc: Record<string, string> | undefined;
  for (const member of baggage.split(',')) {
    if (!member.startsWith(SENTRY_PREFIX)) continue;
    const separator = member.indexOf('=');
    if (separator === -1) continue;
    const end = member.indexOf(';', separator);
    try {
      const value = decodeURIComponent(member.slice(separator + 1, end === -1 ? undefined : end).trim());
      dsc ??= {};
      dsc[member.slice(SENTRY_PREFIX.length, separator).trim()] = value;
    } catch {
      // A member that is not valid percent-encoding is left out, as Sentry's SDKs do.
    }
  }
  return dsc;
}

/**
 * Gives every Sentry event the dynamic sampling context of its trace in the envelope's
 * `trace` header, the same one outgoing requests carry in `baggage`.
 *
 * With OpenTelemetry owning the trace, Sentry 11 takes an event's trace and span ID from
 * the active OpenTelemetry span and then sends no sampling context at all. The context is
 * read from the global propagator at capture time (the event is prepared synchronously
 * inside `captureException`), so an event and the requests around it can never disagree:
 * the upstream's frozen context when the trace came with one, tracewire's own otherwise.
 * Events outside any span keep Sentry's own context.
 *
 * @example
 * const client = Sentry.init({ dsn });
 * if (client) attachDynamicSamplingContext(client);
 */
export function attachDynamicSamplingContext(client: Client): void {
  client.on('preprocessEvent', (event) => {
    try {
      const dsc = dynamicSamplingContextOf(context.active());
      if (dsc) event.sdkProcessingMetadata = { ...event.sdkProcessingMetadata, dynamicSamplingContext: dsc };
    } catch {
      // The event goes out without the context rather than not at all.
    }
  });
}
