import type {
  ClientReport,
  Event,
  SerializedLog,
  SerializedMetric,
  SerializedSession,
  SerializedStreamedSpan,
  SessionAggregates,
} from '@sentry/core';

/**
 * The Sentry ingest endpoint a request was sent to.
 *
 * @example
 * ```ts
 * const otlpAuth = sink.sentry.auth.filter((auth) => auth.endpoint === 'otlp');
 * ```
 */
export type SentryEndpoint = 'envelope' | 'store' | 'otlp';

/**
 * The credentials a Sentry SDK sent with one request, as received. Tests assert on these
 * (for example that the DSN's public key, and never a secret, was sent); the sink itself
 * never prints them.
 *
 * @example
 * ```ts
 * expect(sink.sentry.auth[0]?.sentryKey).toBe(sink.publicKey);
 * expect(sink.sentry.auth.every((auth) => !auth.header?.includes('sntrys_'))).toBe(true);
 * ```
 */
export interface SentryAuth {
  endpoint: SentryEndpoint;
  projectId: string;
  /** The raw `X-Sentry-Auth` header, when the SDK authenticated with a header. */
  header: string | undefined;
  /** `sentry_key`, from the header or the query string. */
  sentryKey: string | undefined;
  sentryVersion: string | undefined;
  sentryClient: string | undefined;
}

/**
 * One envelope item: its headers (`type`, `length`, ...) and its payload, JSON-decoded where it is JSON.
 *
 * @example
 * ```ts
 * const types = sink.sentry.envelopes.flatMap((envelope) => envelope.items.map((item) => item.type));
 * expect(types).toContain('event');
 * ```
 */
export interface SentryEnvelopeItem {
  type: string;
  headers: Record<string, unknown>;
  /** The parsed JSON payload, or the raw bytes for attachments and other binary items. */
  payload: unknown;
}

/**
 * One envelope as received (a `store` request is recorded as an envelope with one `event` item).
 *
 * @example
 * ```ts
 * const [envelope] = sink.sentry.envelopes;
 * expect(envelope?.headers.sdk).toMatchObject({ name: 'sentry.javascript.node' });
 * ```
 */
export interface ReceivedSentryEnvelope {
  endpoint: 'envelope' | 'store';
  projectId: string;
  auth: SentryAuth;
  headers: Record<string, unknown>;
  items: SentryEnvelopeItem[];
}

/**
 * Everything the fake Sentry ingest received, sorted by kind.
 *
 * @example
 * ```ts
 * const event = await sink.waitFor((s) => s.sentry.events[0]);
 * expect(event.exception?.values?.[0]?.value).toBe('boom');
 * expect(sink.sentry.clientReports).toEqual([]);
 * ```
 */
export interface SentryRecords {
  /** Every envelope, with headers and all items. */
  envelopes: ReceivedSentryEnvelope[];
  /** Error and message events: payloads of items of type `event`. */
  events: Event[];
  /** Payloads of items of type `transaction`. */
  transactions: Event[];
  /** Streamed spans (items of type `span`), one entry per span. */
  spans: SerializedStreamedSpan[];
  /** Structured logs (items of type `log`), one entry per log. */
  logs: SerializedLog[];
  /** Metrics (items of type `trace_metric`), one entry per metric. */
  metrics: SerializedMetric[];
  /** Client reports: what the SDK dropped, and why. */
  clientReports: ClientReport[];
  /** Release-health sessions (items of type `session` and `sessions`). */
  sessions: (SerializedSession | SessionAggregates)[];
  /** The credentials of every request to a Sentry endpoint, including the OTLP traces endpoint. */
  auth: SentryAuth[];
}

export function emptySentryRecords(): SentryRecords {
  return {
    envelopes: [],
    events: [],
    transactions: [],
    spans: [],
    logs: [],
    metrics: [],
    clientReports: [],
    sessions: [],
    auth: [],
  };
}
