import {
  type Context,
  isSpanContextValid,
  propagation,
  type TextMapGetter,
  type TextMapPropagator,
  type TextMapSetter,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { isTracingSuppressed, W3CBaggagePropagator } from '@opentelemetry/core';
import { parseDsn } from '../config/parse-dsn.ts';
import { requestTransactionOf } from './request-transaction.ts';
import { sampleRandFor } from './sample-rand.ts';

const BAGGAGE_HEADER = 'baggage';
const SENTRY_PREFIX = 'sentry-';
// The W3C baggage limits: https://www.w3.org/TR/baggage/#limits
const MAX_MEMBERS = 180;
const MAX_BYTES = 8192;
const MAX_MEMBER_BYTES = 4096;

/** What a service that heads a trace says about it in Sentry's dynamic sampling context. */
export interface DynamicSamplingSettings {
  /** The public key of the service's own DSN. */
  publicKey: string;
  /** The organisation ID from a `o<id>.ingest…` DSN host, as Sentry's SDKs read it. */
  orgId?: string;
  environment: string;
  release?: string;
  /** The rate the sampler applies to traces this service starts. */
  sampleRate: number;
}

/**
 * Reads a DSN's public key and organisation ID without repeating it anywhere: undefined
 * when it is not a usable DSN (then no dynamic sampling context is sent).
 */
export function dynamicSamplingSettingsFor(
  dsn: string | undefined,
  settings: Omit<DynamicSamplingSettings, 'publicKey' | 'orgId'>,
): DynamicSamplingSettings | undefined {
  if (!dsn) return undefined;
  const checked = parseDsn(dsn);
  if (!checked.ok) return undefined;
  const orgId = /^o(\d+)\./.exec(checked.parts.host)?.[1];
  return { ...settings, publicKey: checked.parts.publicKey, ...(orgId ? { orgId } : {}) };
}

function member(key: string, value: string): string {
  return `${key}=${encodeURIComponent(value)}`;
}

/**
 * Propagates W3C `baggage` and, in it, Sentry's dynamic sampling context: the `sentry-*`
 * members a Sentry SDK downstream reads to know who started the trace, at what sample
 * rate, whether it was sampled, and under which transaction.
 *
 * - Incoming baggage is extracted exactly as OpenTelemetry's W3C baggage propagator does
 *   (it is the one that runs), so `propagation.getBaggage()` sees every member.
 * - When the trace came in with `sentry-*` members, they are the trace's context, frozen
 *   by the service that started it, and go out unchanged; only `sentry-sampled` is
 *   corrected should it contradict this service's actual decision, so it always agrees
 *   with the `sentry-trace` and `traceparent` flags.
 * - Otherwise this service heads the trace for Sentry, and adds `sentry-trace_id`,
 *   `sentry-public_key`, `sentry-org_id` (when the DSN names one), `sentry-environment`,
 *   `sentry-release` (when known), `sentry-sample_rate`, `sentry-sampled`,
 *   `sentry-sample_rand` and, once the request's route is known, `sentry-transaction`
 *   (`GET /users/:id`, never a raw URL).
 * - Other members are kept, in order, up to the W3C limits (180 members, 8,192 bytes,
 *   4,096 per member); the Sentry members are added only as a whole (without the
 *   transaction if only that does not fit), never half.
 *
 * Only `inject` does more than OpenTelemetry's propagator, so incoming requests pay
 * nothing for it; an outgoing request pays for one pass over its baggage and a few
 * string joins.
 *
 * @example
 * const propagator = new SentryBaggagePropagator(
 *   dynamicSamplingSettingsFor(process.env.SENTRY_DSN, { environment: 'production', sampleRate: 0.1 }),
 * );
 */
export class SentryBaggagePropagator implements TextMapPropagator {
  private readonly w3c = new W3CBaggagePropagator();
  /** The members that never change, encoded once. */
  private readonly fixedMembers: string | undefined;
  private readonly fixedCount: number;
  private readonly sampleRate: number;

  constructor(settings: DynamicSamplingSettings | undefined) {
    this.sampleRate = settings?.sampleRate ?? 0;
    if (!settings) {
      this.fixedMembers = undefined;
      this.fixedCount = 0;
      return;
    }
    const fixed = [
      member('sentry-environment', settings.environment),
      ...(settings.release ? [member('sentry-release', settings.release)] : []),
      member('sentry-public_key', settings.publicKey),
      ...(settings.orgId ? [member('sentry-org_id', settings.orgId)] : []),
      member('sentry-sample_rate', String(settings.sampleRate)),
    ];
    this.fixedMembers = fixed.join(',');
    this.fixedCount = fixed.length;
  }

  inject(context: Context, carrier: unknown, setter: TextMapSetter): void {
    if (isTracingSuppressed(context)) return;
    const spanContext = trace.getSpanContext(context);
    const valid = spanContext !== undefined && isSpanContextValid(spanContext);
    const sampled = valid && (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED;

    let header = '';
    let count = 0;
    let continued = false;
    const baggage = propagation.getBaggage(context);
    if (baggage) {
      for (const [key, entry] of baggage.getAllEntries()) {
        let { value } = entry;
        if (key.startsWith(SENTRY_PREFIX)) {
          continued = true;
          if (key === 'sentry-sampled' && valid && (value === 'true' || value === 'false')) {
            value = String(sampled);
          }
        }
        let pair = `${encodeURIComponent(key)}=${encodeURIComponent(value)}`;
        if (entry.metadata !== undefined) pair += `;${entry.metadata.toString()}`;
        if (count >= MAX_MEMBERS || pair.length > MAX_MEMBER_BYTES) continue;
        const joined = header === '' ? pair : `${header},${pair}`;
        if (joined.length > MAX_BYTES) continue;
        header = joined;
        count++;
      }
    }
    if (!continued && valid && this.fixedMembers !== undefined) {
      header = this.withSentryMembers(header, count, spanContext.traceId, sampled, context);
    }
    if (header !== '') setter.set(carrier, BAGGAGE_HEADER, header);
  }

  extract(context: Context, carrier: unknown, getter: TextMapGetter): Context {
    return this.w3c.extract(context, carrier, getter);
  }

  fields(): string[] {
    return [BAGGAGE_HEADER];
  }

  private withSentryMembers(
    header: string,
    count: number,
    traceId: string,
    sampled: boolean,
    context: Context,
  ): string {
    let sentry = `${this.fixedMembers},sentry-trace_id=${traceId},sentry-sampled=${sampled}`;
    let sentryCount = this.fixedCount + 2;
    const rand = sampleRandFor(traceId, sampled, this.sampleRate);
    if (rand !== undefined) {
      sentry += `,sentry-sample_rand=${rand}`;
      sentryCount++;
    }
    const transaction = requestTransactionOf(context);
    if (transaction !== undefined) {
      const transactionMember = member('sentry-transaction', transaction);
      const withTransaction = `${sentry},${transactionMember}`;
      if (
        transactionMember.length <= MAX_MEMBER_BYTES &&
        fits(header, count, withTransaction, sentryCount + 1)
      )
        return join(header, withTransaction);
    }
    return fits(header, count, sentry, sentryCount) ? join(header, sentry) : header;
  }
}

function fits(header: string, count: number, members: string, memberCount: number): boolean {
  return (
    count + memberCount <= MAX_MEMBERS &&
    header.length + (header === '' ? 0 : 1) + members.length <= MAX_BYTES
  );
}

function join(header: string, members: string): string {
  return header === '' ? members : `${header},${members}`;
}
