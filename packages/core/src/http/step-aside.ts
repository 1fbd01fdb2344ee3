import { ADAPTER_OWNS_SERVER_SPANS_KEY } from '../global-symbols.ts';
// OpenTelemetry's http instrumentation wraps `http.Server.prototype.emit`: every request
// pays for its server span (attribute parsing, binding both emitters, a second context)
// before any framework code runs. Where a tracewire adapter follows a server's requests,
// that span duplicates the adapter's own, so once the adapter has seen a request on a
// server, the instrumentation steps aside for that server: its 'request' events go to
// the emit the instrumentation wrapped, and the adapter starts the server span itself
// (same name, attributes and metric). Other servers (a plain node:http health server)
// keep the instrumentation.

type Emit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

/** What the instrumentation's wrapper (OpenTelemetry's shimmer) carries. */
interface WrappedEmit extends Emit {
  __wrapped?: boolean;
  __original?: unknown;
}

interface Server {
  emit?: unknown;
  [ADAPTER_OWNS_SERVER_SPANS_KEY]?: boolean;
}

/**
 * Makes the http instrumentation skip this server's requests from now on, when it is the
 * one wrapper on `emit` (a second instrumentation, or an own `emit` someone set on the
 * server, is left alone). Returns whether it stepped aside.
 */
export function stepAsideForAdapter(server: unknown): boolean {
  if (typeof server !== 'object' || server === null) return false;
  const target = server as Server;
  if (target[ADAPTER_OWNS_SERVER_SPANS_KEY] !== undefined) return target[ADAPTER_OWNS_SERVER_SPANS_KEY];
  target[ADAPTER_OWNS_SERVER_SPANS_KEY] = false;
  const instrumented = target.emit as WrappedEmit | undefined;
  if (
    typeof instrumented !== 'function' ||
    Object.hasOwn(target, 'emit') ||
    instrumented.__wrapped !== true ||
    instrumented.name !== 'incomingRequest'
  ) {
    return false;
  }
  const original = instrumented.__original as WrappedEmit | undefined;
  if (typeof original !== 'function' || original.__wrapped === true) return false;
  target.emit = function emitRequestsToAdapter(this: unknown, event: string | symbol, ...args: unknown[]) {
    return (event === 'request' ? original : instrumented).apply(this, [event, ...args]);
  };
  target[ADAPTER_OWNS_SERVER_SPANS_KEY] = true;
  return true;
}
