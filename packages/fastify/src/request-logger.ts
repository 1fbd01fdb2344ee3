import type { ObservabilityHandle } from '@tracewire/core';
import type { ObservedRequest } from '@tracewire/core/adapter';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

type TracewireLogger = ObservabilityHandle['logger'];

interface BindableLogger {
  setBindings?: (bindings: Record<string, unknown>) => void;
}

/**
 * Makes `request.log` tracewire's request logger: JSON through tracewire's pino, with
 * `request_id`, and `trace_id`/`span_id` from the active span.
 *
 * - Fastify created with tracewire's logger (`loggerInstance: handle.logger` on v5,
 *   `logger: handle.logger` on v4): Fastify's request logger already descends from it
 *   (pino children are `Object.create(parent)`). It is a child made for this request
 *   alone, and `reply.log` is the same object, so the request ID is added to its own
 *   bindings. It keeps what Fastify gave it: `reqId`, the `req`/`res` serializers, the
 *   route's `logLevel`, the flags Fastify 4 keeps on it; and Fastify's own lines
 *   ("request completed", the default error handler's) carry the request ID too. A
 *   `childLoggerFactory` that hands every request the server's logger gets a child
 *   instead, so one request's ID never lands on another's lines.
 * - Fastify without a logger, or with another one: `request.log` becomes tracewire's
 *   request logger; Fastify's own lines stay where the app sent them (nowhere by default).
 */
export function installRequestLogger(
  request: FastifyRequest,
  observed: ObservedRequest,
  tracewireLogger: TracewireLogger,
  serverLogger: FastifyBaseLogger,
): void {
  const current = request.log as FastifyBaseLogger & BindableLogger;
  if (!Object.prototype.isPrototypeOf.call(tracewireLogger, current)) {
    request.log = observed.log as unknown as FastifyBaseLogger;
  } else if (current !== serverLogger && typeof current.setBindings === 'function') {
    current.setBindings({ request_id: observed.requestId });
  } else {
    request.log = current.child({ request_id: observed.requestId });
  }
}
