/**
 * Request headers worth having on an error event; everything else stays out. An
 * allow-list, so a header nobody thought of (`x-internal-key`) is never sent.
 *
 * @example
 * import { SAFE_REQUEST_HEADERS } from '@tracewire/core';
 * SAFE_REQUEST_HEADERS.includes('user-agent'); // true
 */
export const SAFE_REQUEST_HEADERS = [
  'accept',
  'accept-encoding',
  'accept-language',
  'content-length',
  'content-type',
  'host',
  'referer',
  'user-agent',
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-request-id',
  'traceparent',
  'tracestate',
  'sentry-trace',
  'baggage',
];
