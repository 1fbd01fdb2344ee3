// Conversions for the decoded OTLP objects.
import type { ReceivedSpanKind } from './otlp-types.ts';

/** Raised for a body that is not a valid OTLP request of the expected signal. */
export class OtlpDecodeError extends Error {
  override readonly name = 'OtlpDecodeError';
}

/** An ID field: hex, or `undefined` when absent, empty or all zeroes (all invalid IDs in OTLP). */
export function optionalId(hex: string): string | undefined {
  return hex === '' || /^0+$/.test(hex) ? undefined : hex;
}

/** `int64`/`uint64` as a `number` when that is exact, else as a `bigint`. */
export function int64ToJs(value: bigint): number | bigint {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER)
    ? Number(value)
    : value;
}

const SPAN_KINDS: readonly ReceivedSpanKind[] = [
  'unspecified',
  'internal',
  'server',
  'client',
  'producer',
  'consumer',
];

export function spanKindName(kind: number): ReceivedSpanKind {
  return SPAN_KINDS[kind] ?? 'unspecified';
}

export function temporalityName(value: number): 'delta' | 'cumulative' | 'unspecified' {
  if (value === 1) return 'delta';
  if (value === 2) return 'cumulative';
  return 'unspecified';
}
