import type { Context } from '@opentelemetry/api';
import { getRPCMetadata, type RPCMetadata } from '@opentelemetry/core';
import { REQUEST_TRANSACTION_KEY } from '../global-symbols.ts';

// A symbol, not a string key: the metadata object belongs to OpenTelemetry's http
// instrumentation, and nothing else should find (or serialise) tracewire's field on it.

type WithTransaction = RPCMetadata & { [REQUEST_TRANSACTION_KEY]?: string };

/**
 * Remembers a request's transaction name (`GET /users/:id`) on its RPC metadata, the
 * mutable object every context inside the request shares, so outgoing requests can name
 * the transaction in Sentry's baggage without a lookup per request. Called only once the
 * route template is known, so the name is never a raw URL.
 *
 * @example
 * setRequestTransaction(getRPCMetadata(context.active()), 'GET /users/:id');
 */
export function setRequestTransaction(metadata: RPCMetadata | undefined, name: string): void {
  if (metadata) (metadata as WithTransaction)[REQUEST_TRANSACTION_KEY] = name;
}

/**
 * The transaction name of the request a context belongs to, or undefined before its route
 * is known and outside requests.
 *
 * @example
 * const name = requestTransactionOf(context.active()); // 'GET /users/:id'
 */
export function requestTransactionOf(context: Context): string | undefined {
  return (getRPCMetadata(context) as WithTransaction | undefined)?.[REQUEST_TRANSACTION_KEY];
}
