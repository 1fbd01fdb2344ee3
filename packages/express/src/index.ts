export { type ErrorHandlerOptions, errorHandler } from './error-handler.ts';
export type { TracewireRequest } from './express-request.ts';
export { type ObservabilityOptions, observability } from './observability.ts';
