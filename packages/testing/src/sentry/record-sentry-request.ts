// Sentry ingest requests into SentryRecords. Envelopes are split by @sentry/core's own
// parseEnvelope, so the sink reads them exactly as the SDK wrote them.
import { randomUUID } from 'node:crypto';
import { type Event, parseEnvelope } from '@sentry/core';
import type {
  ReceivedSentryEnvelope,
  SentryAuth,
  SentryEnvelopeItem,
  SentryRecords,
} from './sentry-types.ts';

/** Raised for a body that is not a Sentry envelope (or, on `store`, not a JSON event). */
export class SentryDecodeError extends Error {
  override readonly name = 'SentryDecodeError';
}

/**
 * Reads the credentials from `X-Sentry-Auth: Sentry sentry_key=..., sentry_version=7` or,
 * as the browser and Node transports send them, from the query string.
 */
export function readSentryAuth(
  endpoint: SentryAuth['endpoint'],
  projectId: string,
  header: string | undefined,
  query: URLSearchParams,
): SentryAuth {
  const fromHeader = new Map<string, string>();
  if (header) {
    for (const part of header.replace(/^\s*Sentry\s+/i, '').split(',')) {
      const separator = part.indexOf('=');
      if (separator > 0) fromHeader.set(part.slice(0, separator).trim(), part.slice(separator + 1).trim());
    }
  }
  const value = (name: string): string | undefined => fromHeader.get(name) ?? query.get(name) ?? undefined;
  return {
    endpoint,
    projectId,
    header,
    sentryKey: value('sentry_key'),
    sentryVersion: value('sentry_version'),
    sentryClient: value('sentry_client'),
  };
}

// Item types whose payload is binary; every other type carries JSON.
const BINARY_ITEM_TYPES = new Set(['attachment', 'replay_recording']);

function decodeItemPayload(type: string, payload: unknown): unknown {
  // parseEnvelope returns raw bytes for any item whose header declares a `length`, which
  // SDKs other than JavaScript's do for JSON items too.
  if (payload instanceof Uint8Array && !BINARY_ITEM_TYPES.has(type)) {
    try {
      return JSON.parse(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'));
    } catch {
      return payload;
    }
  }
  return payload;
}

function containerItems(payload: unknown): unknown[] {
  const items = (payload as { items?: unknown } | undefined)?.items;
  return Array.isArray(items) ? items : [];
}

/** Files each item of a parsed envelope under the matching list of `records`. */
function fileItems(records: SentryRecords, items: SentryEnvelopeItem[]): void {
  for (const { type, payload } of items) {
    switch (type) {
      case 'event':
        records.events.push(payload as Event);
        break;
      case 'transaction':
        records.transactions.push(payload as Event);
        break;
      case 'span':
        records.spans.push(...(containerItems(payload) as SentryRecords['spans']));
        break;
      case 'log':
        records.logs.push(...(containerItems(payload) as SentryRecords['logs']));
        break;
      case 'trace_metric':
      case 'metric':
        records.metrics.push(...(containerItems(payload) as SentryRecords['metrics']));
        break;
      case 'client_report':
        records.clientReports.push(payload as SentryRecords['clientReports'][number]);
        break;
      case 'session':
      case 'sessions':
        records.sessions.push(payload as SentryRecords['sessions'][number]);
        break;
    }
  }
}

/** The `id` Sentry answers with: the envelope's event ID, else a fresh one. */
function responseId(envelope: ReceivedSentryEnvelope): string {
  const fromHeader = envelope.headers.event_id;
  if (typeof fromHeader === 'string') return fromHeader;
  for (const item of envelope.items) {
    const eventId = (item.payload as { event_id?: unknown } | undefined)?.event_id;
    if (typeof eventId === 'string') return eventId;
  }
  return randomUUID().replaceAll('-', '');
}

/** Parses an envelope body; throws SentryDecodeError when it is not one. */
export function parseSentryEnvelope(body: Uint8Array, auth: SentryAuth): ReceivedSentryEnvelope {
  let parsed: ReturnType<typeof parseEnvelope>;
  try {
    parsed = parseEnvelope(body);
  } catch (error) {
    throw new SentryDecodeError(`not a Sentry envelope: ${(error as Error).message}`);
  }
  const [headers, rawItems] = parsed;
  if (typeof headers !== 'object' || headers === null || !Array.isArray(rawItems)) {
    throw new SentryDecodeError('not a Sentry envelope: the first line is not a JSON object');
  }
  const items = rawItems.map(([itemHeaders, payload]): SentryEnvelopeItem => {
    const type = typeof itemHeaders?.type === 'string' ? itemHeaders.type : 'unknown';
    return { type, headers: { ...itemHeaders }, payload: decodeItemPayload(type, payload) };
  });
  return { endpoint: 'envelope', projectId: auth.projectId, auth, headers: { ...headers }, items };
}

/** Parses a legacy `store` body (one JSON event) into an envelope-shaped record. */
export function parseSentryStoreBody(body: Uint8Array, auth: SentryAuth): ReceivedSentryEnvelope {
  let event: unknown;
  try {
    event = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8'));
  } catch (error) {
    throw new SentryDecodeError(`not a JSON event: ${(error as Error).message}`);
  }
  if (typeof event !== 'object' || event === null) throw new SentryDecodeError('not a JSON event object');
  const type = (event as { type?: unknown }).type === 'transaction' ? 'transaction' : 'event';
  const eventId = (event as { event_id?: unknown }).event_id;
  return {
    endpoint: 'store',
    projectId: auth.projectId,
    auth,
    headers: typeof eventId === 'string' ? { event_id: eventId } : {},
    items: [{ type, headers: { type }, payload: event }],
  };
}

/** Adds a parsed envelope to `records`; returns the ID to answer with. */
export function recordSentryEnvelope(records: SentryRecords, envelope: ReceivedSentryEnvelope): string {
  records.envelopes.push(envelope);
  fileItems(records, envelope.items);
  return responseId(envelope);
}
