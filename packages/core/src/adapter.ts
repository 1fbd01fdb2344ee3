// `@tracewire/core/adapter`: what a framework adapter builds on. Services import the
// main entry; the request policy adapters share (failure and completion paths, capture
// decision, bounded request fields) is here, so no adapter writes it again.
// The registry keys the adapters keep their per-request state under (one file for all).
export {
  EXPRESS_OBSERVED_REQUEST_KEY,
  EXPRESS_PREVIOUS_ADD_LISTENER_KEY,
  EXPRESS_PREVIOUS_ON_KEY,
  EXPRESS_RESPONSE_KEY,
  EXPRESS_SHARED_LISTENERS_KEY,
  EXPRESS_ROUTE_ACCESSORS_KEY,
  EXPRESS_ROUTE_WATCH_KEY,
  KOA_ROUTE_WATCH_KEY,
} from './global-symbols.ts';
export { capturedByDefault, type ShouldCapture } from './http/capture-policy.ts';
export {
  ACCESS_LOG_LINE_LIMIT,
  REQUEST_FIELD_LIMITS,
  truncateRequestField,
} from './http/request-field-limits.ts';
export { resolveRequestId } from './http/request-id.ts';
export {
  createRequestObserver,
  type IncomingRequestInfo,
  type ObservedRequest,
  type ObservedResponse,
  type RequestObserver,
  type RequestObserverAdapter,
  type RequestObserverOptions,
} from './http/request-observer.ts';
