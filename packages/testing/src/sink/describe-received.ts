// A human summary of a sink's state, for waitFor timeouts and toString(). It names what
// arrived (counts, span names, event titles) and never prints credentials: no header
// values, no query strings, and the DSN's public key is masked wherever it appears.
import type { Event } from '@sentry/core';
// The sink masks with tracewire's one privacy rule. The file is bundled into this
// package at build time rather than imported from @tracewire/core, whose own tests run
// against this sink (docs/decisions.md, "One privacy module").
import { maskSecretsInText } from '../../../core/src/privacy/mask-secrets-in-text.ts';
import type { ReceivedLogRecord, ReceivedMetricPoint, ReceivedSpan } from '../otlp/otlp-types.ts';
import type { SentryRecords } from '../sentry/sentry-types.ts';
import type { ReceivedRequest } from './test-sink-types.ts';

export interface SinkSnapshot {
  url: string;
  publicKey: string;
  spans: readonly ReceivedSpan[];
  metrics: readonly ReceivedMetricPoint[];
  logs: readonly ReceivedLogRecord[];
  sentry: SentryRecords;
  requests: readonly ReceivedRequest[];
}

const MAX_NAMES = 15;
const MAX_TEXT = 120;

/**
 * Masks the public key, then everything tracewire's privacy rule recognises in free
 * text: URL credentials, secret query parameters and `name=value` pairs (`sentry_key=`),
 * JSON fields under secret keys, `Authorization`-style credentials.
 */
export function redact(text: string, publicKey: string): string {
  let redacted = text;
  if (publicKey !== '') redacted = redacted.split(publicKey).join('***');
  return maskSecretsInText(redacted);
}

function truncate(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text;
}

function listNames(names: string[]): string {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  const shown = [...counts]
    .slice(0, MAX_NAMES)
    .map(([name, count]) => (count > 1 ? `${name} ×${count}` : name));
  const more = counts.size > MAX_NAMES ? `, … ${counts.size - MAX_NAMES} more` : '';
  return shown.length > 0 ? ` [${shown.join(', ')}${more}]` : '';
}

/** What Sentry would show as an issue's title: the exception's type and value, else the message. */
export function eventTitle(event: Event): string {
  const exception = event.exception?.values?.at(-1);
  if (exception) return [exception.type, exception.value].filter(Boolean).join(': ') || '<exception>';
  if (typeof event.message === 'string') return event.message;
  const logentry = (event as { logentry?: { formatted?: string; message?: string } }).logentry;
  return logentry?.formatted ?? logentry?.message ?? event.transaction ?? '<event>';
}

function describeRequests(requests: readonly ReceivedRequest[]): string {
  if (requests.length === 0) return '0 requests';
  const byKey = new Map<string, number>();
  for (const request of requests) {
    const key = `${request.receiver} ${request.method} ${request.path} → ${request.status ?? request.outcome}`;
    byKey.set(key, (byKey.get(key) ?? 0) + 1);
  }
  const lines = [...byKey].map(([key, count]) => `    ${count} × ${key}`);
  return `${requests.length} request${requests.length === 1 ? '' : 's'}:\n${lines.join('\n')}`;
}

/** A multi-line summary of everything the sink holds. */
export function describeReceived(snapshot: SinkSnapshot): string {
  const { spans, metrics, logs, sentry, requests } = snapshot;
  const sentrySpans = spans.filter((span) => span.receiver === 'sentry').length;
  const lines = [
    `  ${describeRequests(requests)}`,
    `  spans: ${spans.length}${sentrySpans > 0 ? ` (${sentrySpans} via Sentry OTLP)` : ''}${listNames(spans.map((span) => span.name))}`,
    `  metric points: ${metrics.length}${listNames(metrics.map((point) => point.name))}`,
    `  log records: ${logs.length}`,
    `  sentry envelopes: ${sentry.envelopes.length}`,
    `  sentry events: ${sentry.events.length}${listNames(sentry.events.map((event) => truncate(eventTitle(event))))}`,
    `  sentry transactions: ${sentry.transactions.length}${listNames(
      sentry.transactions.map((event) => truncate(event.transaction ?? '<transaction>')),
    )}`,
    `  sentry logs: ${sentry.logs.length}, client reports: ${sentry.clientReports.length}, sessions: ${sentry.sessions.length}`,
  ];
  return redact(lines.join('\n'), snapshot.publicKey);
}
