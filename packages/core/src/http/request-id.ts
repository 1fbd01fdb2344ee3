import { randomUUID } from 'node:crypto';

const REQUEST_ID_FORMAT = /^[A-Za-z0-9._:\-/+=]{1,128}$/;

/**
 * The request ID: the caller's `X-Request-Id` when it is a sane token (so a request
 * keeps its ID across a proxy or another service), else a fresh UUID. Anything odd
 * (too long, control characters, several values) is replaced, never echoed.
 *
 * @example
 * resolveRequestId('req-42'); // 'req-42'
 * resolveRequestId('bad\nvalue'); // a fresh UUID
 */
export function resolveRequestId(incoming: string | string[] | undefined): string {
  const value = Array.isArray(incoming) ? undefined : incoming?.trim();
  return value && REQUEST_ID_FORMAT.test(value) ? value : randomUUID();
}
