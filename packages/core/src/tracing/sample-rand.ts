const TWO_POW_32 = 4294967296;
const STEPS = 1_000_000;

/**
 * The trace ID folded to 32 bits the way OpenTelemetry's `TraceIdRatioBased` sampler folds
 * it (the XOR of its four 8-hex-digit words): the sampler keeps a trace when this is below
 * `floor(rate × (2³² − 1))`.
 */
function foldTraceId(traceId: string): number {
  let folded = 0;
  for (let word = 0; word < 32; word += 8) {
    let value = 0;
    for (let digit = word; digit < word + 8; digit++) {
      const code = traceId.charCodeAt(digit);
      // '0'-'9', 'A'-'F', 'a'-'f'; the span context check already made it hex.
      value = (value << 4) | (code < 58 ? code - 48 : code < 71 ? code - 55 : code - 87);
    }
    folded = (folded ^ value) >>> 0;
  }
  return folded;
}

/** `steps / 10⁶` with six decimals, without `toFixed`'s cost. */
function format(steps: number): string {
  return `0.${String(steps).padStart(6, '0')}`;
}

/**
 * Sentry's `sample_rand` for a trace: a number in [0, 1), written with six decimals, that
 * is below the sample rate exactly when the trace is sampled (`sampled === rand < rate`),
 * which is the invariant Sentry SDKs and Relay rely on.
 *
 * It is derived from the trace ID, not drawn at random, so every outgoing request of a
 * trace carries the same value: the folded trace ID divided by 2³², truncated to six
 * decimals. For a trace the ratio sampler decided (the folded ID is below
 * `rate × (2³² − 1)`), that value is already below the rate. When the decision came from
 * elsewhere (an upstream `traceparent` flag, or the rounding right at the boundary) the
 * same fraction is mapped into the interval the decision calls for: `[0, rate)` when
 * sampled, `[rate, 1)` when not. Returns undefined when no value can agree with the
 * decision (a sampled trace at rate 0, an unsampled one at rate 1): downstream SDKs then
 * derive their own from the sampled flag.
 *
 * @example
 * sampleRandFor('4bf92f3577b34da6a3ce929d0e0e4736', false, 0.1); // '0.568522'
 */
export function sampleRandFor(traceId: string, sampled: boolean, rate: number): string | undefined {
  const steps = Math.floor((foldTraceId(traceId) / TWO_POW_32) * STEPS);
  if (steps / STEPS < rate === sampled) return format(steps);
  // The fraction of the way through the interval the decision calls for.
  const fraction = steps / STEPS;
  let mapped: number;
  if (sampled) {
    const below = Math.ceil(rate * STEPS) - 1;
    if (below < 0) return undefined;
    mapped = Math.min(Math.floor(fraction * rate * STEPS), below);
  } else {
    const from = Math.ceil(rate * STEPS);
    if (from >= STEPS) return undefined;
    mapped = from + Math.floor(fraction * (STEPS - from));
  }
  return mapped / STEPS < rate === sampled ? format(mapped) : undefined;
}
