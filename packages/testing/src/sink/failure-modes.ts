// How the sink misbehaves on purpose, so tests can prove that exporters and the Sentry
// transport survive a backend that is down, slow or rate limiting.

/**
 * Answer with an HTTP error instead of accepting the data.
 *
 * @example
 * ```ts
 * await sink.setFailure({ status: 429, retryAfterSeconds: 30 }, { target: 'sentry' });
 * await sink.setFailure({ status: 503, times: 2 }, { target: 'otlp' });
 * ```
 */
export interface StatusFailure {
  /** The HTTP status to answer with, 400–599. */
  status: number;
  /**
   * Sets `Retry-After: <seconds>`; on Sentry endpoints a 429 also gets
   * `X-Sentry-Rate-Limits: <seconds>:<categories>:organization:ratelimit`, the header the
   * Sentry SDKs read first.
   */
  retryAfterSeconds?: number;
  /** Sentry data categories the rate limit names (`error`, `transaction`, `log_item`, ...); default all. */
  rateLimitCategories?: string[];
  /** Fail only the next `times` requests, then recover by itself. Default: until cleared. */
  times?: number;
}

/**
 * What the sink does with requests to a target:
 * - `'none'`: accept and record them (the default).
 * - `'refuse'`: drop the connection without an answer. When both targets refuse, the sink
 *   stops listening, so new connections get `ECONNREFUSED`; when one does, its requests'
 *   connections are destroyed (`ECONNRESET` / "socket hang up").
 * - `'hang'`: read the request and never answer, until the failure is changed or the sink
 *   is closed. Requests still held when the failure changes are then processed normally.
 * - a {@link StatusFailure}: answer with that HTTP status.
 *
 * Requests answered with a failure are not recorded as received data; they appear in
 * `sink.requests` with their status and outcome.
 *
 * @example
 * ```ts
 * const sink = await startTestSink({ failure: 'refuse', failureTarget: 'sentry' });
 * await sink.setFailure('hang', { target: 'otlp' });
 * await sink.setFailure('none');
 * ```
 */
export type FailureMode = 'none' | 'refuse' | 'hang' | StatusFailure;

/**
 * Which receiver a failure applies to: Sentry's endpoints (including its OTLP path), the plain OTLP paths, or both.
 *
 * @example
 * ```ts
 * await sink.setFailure('refuse', { target: 'sentry' satisfies FailureTarget });
 * ```
 */
export type FailureTarget = 'sentry' | 'otlp' | 'all';

/** What to do with one request. */
export type FailureDecision =
  | { kind: 'accept' }
  | { kind: 'refuse' }
  | { kind: 'hang' }
  | (StatusFailure & { kind: 'status' });

interface ActiveFailure {
  mode: FailureMode;
  // Shared by both targets when set with target 'all', so `times` counts requests to either.
  remaining: { count: number | undefined };
}

export function validateFailureMode(mode: FailureMode): void {
  if (mode === 'none' || mode === 'refuse' || mode === 'hang') return;
  if (typeof mode !== 'object' || mode === null) {
    throw new TypeError(
      `failure mode must be 'none', 'refuse', 'hang' or { status }, received ${String(mode)}`,
    );
  }
  if (!Number.isInteger(mode.status) || mode.status < 400 || mode.status > 599) {
    throw new TypeError(`failure status must be an integer from 400 to 599, received ${String(mode.status)}`);
  }
  if (mode.times !== undefined && (!Number.isInteger(mode.times) || mode.times < 1)) {
    throw new TypeError(`failure times must be a positive integer, received ${String(mode.times)}`);
  }
  if (
    mode.retryAfterSeconds !== undefined &&
    (!Number.isInteger(mode.retryAfterSeconds) || mode.retryAfterSeconds < 0)
  ) {
    throw new TypeError(
      `failure retryAfterSeconds must be a non-negative integer, received ${String(mode.retryAfterSeconds)}`,
    );
  }
}

export function validateFailureTarget(target: FailureTarget): void {
  if (target !== 'sentry' && target !== 'otlp' && target !== 'all') {
    throw new TypeError(`failure target must be 'sentry', 'otlp' or 'all', received ${String(target)}`);
  }
}

/** The current failure of each receiver. */
export class FailureState {
  #sentry: ActiveFailure = { mode: 'none', remaining: { count: undefined } };
  #otlp: ActiveFailure = { mode: 'none', remaining: { count: undefined } };

  set(mode: FailureMode, target: FailureTarget): void {
    const copy: FailureMode = typeof mode === 'object' ? { ...mode } : mode;
    const active: ActiveFailure = {
      mode: copy,
      remaining: { count: typeof copy === 'object' ? copy.times : undefined },
    };
    if (target === 'sentry' || target === 'all') this.#sentry = active;
    if (target === 'otlp' || target === 'all') this.#otlp = { ...active };
  }

  /** The failure in force; a `times` failure that has run out reads as `'none'`. */
  current(receiver: 'sentry' | 'otlp'): FailureMode {
    const active = receiver === 'sentry' ? this.#sentry : this.#otlp;
    return active.remaining.count === 0 ? 'none' : active.mode;
  }

  /** Both receivers refuse: the sink closes its port. */
  refusesEverything(): boolean {
    return this.#sentry.mode === 'refuse' && this.#otlp.mode === 'refuse';
  }

  /** Decides what happens to a request arriving now, and counts it against `times`. */
  decide(receiver: 'sentry' | 'otlp'): FailureDecision {
    const active = receiver === 'sentry' ? this.#sentry : this.#otlp;
    const mode = this.current(receiver);
    if (mode === 'none') return { kind: 'accept' };
    if (mode === 'refuse') return { kind: 'refuse' };
    if (mode === 'hang') return { kind: 'hang' };
    if (active.remaining.count !== undefined) active.remaining.count -= 1;
    return { ...mode, kind: 'status' };
  }
}
