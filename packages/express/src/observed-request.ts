import type { ObservedRequest } from '@tracewire/core/adapter';
import { EXPRESS_OBSERVED_REQUEST_KEY } from '@tracewire/core/adapter';

// A registry symbol rather than a module-level WeakMap: the ESM and CommonJS builds (or
// two installed copies) of this package must find each other's state on a request.

/** Remembers the observed request on Express's request object, for `errorHandler()`. */
export function setObservedRequest(request: object, observed: ObservedRequest): void {
  // A symbol-keyed property never shows up in JSON or for-in; plain assignment is far
  // cheaper per request than defineProperty.
  (request as { [EXPRESS_OBSERVED_REQUEST_KEY]?: ObservedRequest })[EXPRESS_OBSERVED_REQUEST_KEY] = observed;
}

/** The observed request `observability()` attached, if the request passed through it. */
export function getObservedRequest(request: object): ObservedRequest | undefined {
  return (request as { [EXPRESS_OBSERVED_REQUEST_KEY]?: ObservedRequest })[EXPRESS_OBSERVED_REQUEST_KEY];
}
