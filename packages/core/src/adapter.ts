// `@tracewire/core/adapter`: what a framework adapter builds on. Services import the
// main entry; the request policy adapters share (failure and completion paths, capture
// decision, bounded request fields) is here, so no adapter writes it again.
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
