import type { ConfigIssue } from '../config/types.ts';
import { formatTracewireMessage, type TracewireErrorCode, type TracewireErrorParams } from './catalogue.ts';

const TRACEWIRE_ERROR_NAME = 'TracewireError';

/**
 * The error tracewire throws. Its message comes from the catalogue entry for `code`;
 * `issues` holds every configuration problem when `code` is `TW_CONFIG_INVALID`.
 *
 * Recognise it with `isTracewireError()`, not `instanceof`: an application can load two
 * copies of `@tracewire/core`, and an error from one is not an instance of the other's class.
 *
 * @example
 * import { TracewireError } from '@tracewire/core';
 * throw new TracewireError('TW_CONFIG_INVALID', { issues: result.issues });
 */
export class TracewireError<C extends TracewireErrorCode = TracewireErrorCode> extends Error {
  override readonly name: string = TRACEWIRE_ERROR_NAME;
  readonly code: C;
  readonly issues: readonly ConfigIssue[] | undefined;

  constructor(code: C, params: TracewireErrorParams[C], options?: { cause?: unknown }) {
    super(formatTracewireMessage(code, params), options);
    this.code = code;
    this.issues =
      code === 'TW_CONFIG_INVALID' ? (params as TracewireErrorParams['TW_CONFIG_INVALID']).issues : undefined;
  }
}

/**
 * Whether a value is a tracewire error from any copy of the package: it checks `name`
 * and the shape of `code`, never the class.
 *
 * @example
 * try { initObservability({ strict: true }); }
 * catch (error) { if (isTracewireError(error) && error.code === 'TW_CONFIG_INVALID') console.error(error.issues); }
 */
export function isTracewireError(value: unknown): value is TracewireError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { name?: unknown; code?: unknown };
  return (
    candidate.name === TRACEWIRE_ERROR_NAME &&
    typeof candidate.code === 'string' &&
    /^TW_[A-Z_]+$/.test(candidate.code)
  );
}
