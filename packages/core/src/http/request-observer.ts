import type { IncomingHttpHeaders } from 'node:http';
import {
  type Context,
  context,
  type Histogram,
  metrics,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { getRPCMetadata, RPCType, setRPCMetadata, suppressTracing } from '@opentelemetry/core';
import * as Sentry from '@sentry/node';
import type { Logger } from 'pino';
import { getObservability } from '../init/global-state.ts';
import type { ObservabilityHandle } from '../init/handle.ts';
import { captureOnce } from '../sentry/capture-once.ts';
import { redactQueryString, SAFE_REQUEST_HEADERS } from '../sentry/privacy.ts';
import { setRequestTransaction } from '../tracing/request-transaction.ts';
import { TRACEWIRE_VERSION } from '../version.ts';
import { resolveRequestId } from './request-id.ts';
import { stepAsideForAdapter } from './step-aside.ts';

/** Options every tracewire framework adapter accepts. */
export interface RequestObserverOptions {
  /** The handle from `initObservability()`. Defaults to the global one. */
  handle?: ObservabilityHandle;
  /** Send the trace context back in a `traceresponse` header (W3C Trace Context Level 2). Default true. */
  traceResponseHeader?: boolean;
  /** Header carrying the request ID in and out. Default `x-request-id`. */
  requestIdHeader?: string;
  /** One access log line per request at response end. Default true. */
  accessLog?: boolean;
  /** Decides which errors reach Sentry. Default: status >= 500. */
  shouldCapture?: (error: unknown, status: number) => boolean;
}

/** What an adapter knows about an incoming request. */
export interface IncomingRequestInfo {
  method: string | undefined;
  /** Path and query as received (`/users/42?tab=1`). */
  url: string | undefined;
  headers: IncomingHttpHeaders;
  /** `http` or `https`. */
  scheme?: string;
  /** The request's HTTP version (`1.1`, `2.0`). */
  httpVersion?: string;
  /**
   * The request's socket (`req.socket`). Through it, OpenTelemetry's http
   * instrumentation steps aside for the server once the adapter has seen a request
   * there: the adapter's server span replaces the instrumentation's instead of
   * following it, so each request pays for one server span, not two.
   */
  socket?: object;
  setResponseHeader(name: string, value: string): void;
}

/** One request as tracewire follows it; adapters keep it for the request's lifetime. */
export interface ObservedRequest {
  /** Health checks, scrapes: no span, no access log, no metric. */
  readonly ignored: boolean;
  readonly requestId: string;
  /** Request-scoped logger: `request_id` plus `trace_id`/`span_id` on every line. */
  readonly log: Logger;
  /** The server span, if tracing is on. */
  readonly span: Span | undefined;
  readonly route: string | undefined;
  /** Names the request by its route template: span `GET /users/:id`, `http.route`, metric label. */
  setRoute(route: string): void;
  /** Runs the rest of the request inside its trace context and its own Sentry scope. */
  run<T>(callback: () => T): T;
  /**
   * Reports a failed request: span status ERROR with an exception event, and (when
   * `shouldCapture` agrees) one Sentry event with route, method, redacted URL, safe
   * headers, status code and request ID. Returns the Sentry event ID.
   */
  captureError(error: unknown, status: number): string | undefined;
  /** Call once at response end: access log line, and the metric when tracewire owns the span. */
  finish(status: number): void;
}

const REQUEST_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
]);

// Histogram boundaries the HTTP semantic conventions advise for request durations (s).
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

function normalizeMethod(method: string | undefined): string {
  const upper = (method ?? 'GET').toUpperCase();
  // Arbitrary methods would explode span names and metric cardinality.
  return REQUEST_METHODS.has(upper) ? upper : '_OTHER';
}

function pathOf(url: string | undefined): string {
  const raw = url ?? '/';
  const queryStart = raw.indexOf('?');
  return queryStart === -1 ? raw : raw.slice(0, queryStart);
}

function safeHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of SAFE_REQUEST_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = value;
    else if (Array.isArray(value)) picked[name] = value.join(', ');
  }
  return picked;
}

/** `server.address` and `server.port` from a Host header (`api.example.com:8080`, `[::1]:3000`). */
function hostAttributes(host: unknown, attributes: Record<string, string | number>): void {
  if (typeof host !== 'string' || host === '') return;
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host);
  if (!match?.[1]) return;
  attributes['server.address'] = match[1].startsWith('[') ? match[1].slice(1, -1) : match[1];
  if (match[2]) attributes['server.port'] = Number(match[2]);
}

function traceResponseValue(span: Span): string | undefined {
  const spanContext = span.spanContext();
  if (!trace.isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00';
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

const IGNORED_REQUEST = (log: Logger, requestId: string): ObservedRequest => ({
  ignored: true,
  requestId,
  log,
  span: undefined,
  route: undefined,
  setRoute: () => {},
  // Nothing inside an ignored request is traced: a health check's own calls make no spans.
  run: (callback) => context.with(suppressTracing(context.active()), callback),
  captureError: () => undefined,
  finish: () => {},
});

/** What every request of one observer shares. */
interface ObserverSettings {
  handle: ObservabilityHandle;
  accessLog: boolean;
  shouldCapture: (error: unknown, status: number) => boolean;
  recordDuration: (seconds: number, attributes: Record<string, string | number>) => void;
}

/**
 * One followed request. A class rather than an object literal of closures: requests are
 * the hot path, and instances of one class share their shape and their methods, where a
 * literal with a getter and a dozen closures per request costs microseconds and keeps
 * the garbage collector busy.
 */
class FollowedRequest implements ObservedRequest {
  readonly ignored = false;
  route: string | undefined = undefined;
  /** The request's own Sentry isolation scope, once `run()` created it. */
  private isolationScope: Sentry.Scope | undefined = undefined;
  private finished = false;
  private errorType: string | undefined = undefined;

  constructor(
    private readonly settings: ObserverSettings,
    readonly requestId: string,
    readonly log: Logger,
    readonly span: Span | undefined,
    /** The span tracewire started itself (no http instrumentation span to adopt). */
    private readonly ownSpan: Span | undefined,
    private readonly requestContext: Context,
    private readonly rpcMetadata: ReturnType<typeof getRPCMetadata>,
    private readonly method: string,
    private readonly scheme: string,
    private readonly httpVersion: string | undefined,
    private readonly path: string,
    private readonly request: IncomingRequestInfo,
    private readonly startedAt: bigint,
  ) {}

  setRoute(template: string): void {
    if (!template) return;
    this.route = template;
    const name = `${this.method} ${template}`;
    this.span?.updateName(name);
    this.span?.setAttribute('http.route', template);
    // The http instrumentation reads the route from here when the response ends,
    // for both the span attribute and its duration metric; outgoing requests read the
    // transaction name from here for Sentry's baggage.
    if (this.rpcMetadata?.type === RPCType.HTTP) {
      this.rpcMetadata.route = template;
      setRequestTransaction(this.rpcMetadata, name);
    }
    this.isolationScope?.setTransactionName(name);
    this.isolationScope?.setTag('http.route', template);
  }

  run<T>(callback: () => T): T {
    if (!this.settings.handle.pipelines.sentry) return this.inContext(callback);
    // Each request gets its own Sentry isolation scope, so `Sentry.setUser()` or
    // `setContext()` in one request never bleeds into another.
    return Sentry.withIsolationScope((scope) => {
      this.isolationScope = scope;
      // Named by method until the route is known, never by the raw URL.
      scope.setTransactionName(this.transactionName());
      // One call: each setTag copies the scope's tags.
      scope.setTags(
        this.route
          ? { request_id: this.requestId, 'http.method': this.method, 'http.route': this.route }
          : { request_id: this.requestId, 'http.method': this.method },
      );
      // An error log line captured before the adapter's error handler runs is the
      // request's one event for that error: it describes the request too.
      scope.addEventProcessor((event) => {
        event.request ??= this.requestData();
        return event;
      });
      return this.inContext(callback);
    });
  }

  captureError(error: unknown, status: number): string | undefined {
    this.errorType = String(status);
    const span = this.span;
    if (span) {
      if (error instanceof Error) span.recordException(error);
      else span.recordException({ message: String(error) });
      // Semantic conventions: a 4xx is the client's mistake, not a server span error.
      if (status >= 500) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    if (!this.settings.handle.pipelines.sentry || !this.settings.shouldCapture(error, status))
      return undefined;
    const capture = () =>
      Sentry.withScope((scope) => {
        scope.setTransactionName(this.transactionName());
        scope.setTag('request_id', this.requestId);
        scope.setTag('http.method', this.method);
        scope.setTag('http.status_code', String(status));
        if (this.route) scope.setTag('http.route', this.route);
        scope.setContext('response', { status_code: status });
        scope.addEventProcessor((event) => {
          event.request = this.requestData();
          return event;
        });
        return captureOnce(error);
      });
    // Capture inside the request's trace context so the event carries its trace ID.
    return span ? context.with(trace.setSpan(context.active(), span), capture) : capture();
  }

  finish(status: number): void {
    if (this.finished) return;
    this.finished = true;
    const seconds = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
    const ownSpan = this.ownSpan;
    if (ownSpan) {
      ownSpan.setAttribute('http.response.status_code', status);
      if (status >= 500) {
        ownSpan.setStatus({ code: SpanStatusCode.ERROR });
        ownSpan.setAttribute('error.type', this.errorType ?? String(status));
      }
      ownSpan.end();
      const attributes: Record<string, string | number> = {
        'http.request.method': this.method,
        'http.response.status_code': status,
        'url.scheme': this.scheme,
      };
      if (this.httpVersion) attributes['network.protocol.version'] = this.httpVersion;
      if (this.route) attributes['http.route'] = this.route;
      if (status >= 500) attributes['error.type'] = this.errorType ?? String(status);
      this.settings.recordDuration(seconds, attributes);
    }
    if (!this.settings.accessLog) return;
    if (this.span) {
      context.with(trace.setSpan(context.active(), this.span), this.writeAccessLog, this, status, seconds);
    } else {
      this.writeAccessLog(status, seconds);
    }
  }

  private writeAccessLog(status: number, seconds: number): void {
    const { method, route, path } = this;
    this.log[status >= 500 ? 'error' : 'info'](
      {
        http: { method, route, path, status_code: status },
        duration_ms: Math.round(seconds * 1e6) / 1e3,
      },
      `${method} ${route ?? path} ${status}`,
    );
  }

  private inContext<T>(callback: () => T): T {
    return this.ownSpan ? context.with(this.requestContext, callback) : callback();
  }

  private transactionName(): string {
    return this.route ? `${this.method} ${this.route}` : this.method;
  }

  /**
   * What every Sentry event of this request says about it: never the raw query values
   * or credentials, only safe headers.
   */
  private requestData() {
    const { headers, url } = this.request;
    const host = typeof headers.host === 'string' ? headers.host : 'localhost';
    return {
      method: this.method,
      url: redactQueryString(`${this.scheme}://${host}${url ?? '/'}`),
      headers: safeHeaders(headers),
    };
  }
}

/**
 * The request lifecycle shared by the Express, Fastify and Koa adapters, so the three
 * produce one shape of span, log line, metric and Sentry event.
 *
 * When OpenTelemetry's http instrumentation already started the server span, the
 * observer names that span and hands the route to the instrumentation (which then
 * records `http.server.request.duration` with `http.route`, once), and, given the
 * request's `socket`, makes the instrumentation step aside for that server from then on.
 * Otherwise (after that first request, when the framework's `http` was loaded before
 * tracewire, or when the SDK is off) the observer starts the server span itself and
 * records the metric itself.
 *
 * @example
 * const observer = createRequestObserver();
 * const observed = observer.start({ method: req.method, url: req.url, headers: req.headers,
 *   setResponseHeader: (name, value) => res.setHeader(name, value) });
 * observed.run(() => next());
 */
export function createRequestObserver(options: RequestObserverOptions = {}) {
  const handle = options.handle ?? getObservability();
  if (!handle) {
    throw new Error(
      'tracewire is not initialised: call initObservability() (or start node with --import @tracewire/core/register) before creating the middleware',
    );
  }
  const requestIdHeader = (options.requestIdHeader ?? 'x-request-id').toLowerCase();
  const sendTraceResponse = options.traceResponseHeader !== false;
  const tracer = trace.getTracer('@tracewire/core', TRACEWIRE_VERSION);
  let durationHistogram: Histogram | undefined;
  const settings: ObserverSettings = {
    handle,
    accessLog: options.accessLog !== false,
    shouldCapture: options.shouldCapture ?? ((_error: unknown, status: number) => status >= 500),
    recordDuration(seconds, attributes) {
      durationHistogram ??= metrics
        .getMeter('@tracewire/core', TRACEWIRE_VERSION)
        .createHistogram('http.server.request.duration', {
          unit: 's',
          description: 'Duration of HTTP server requests.',
          advice: { explicitBucketBoundaries: DURATION_BUCKETS },
        });
      durationHistogram.record(seconds, attributes);
    },
  };

  const stepAside = (server: unknown) => {
    // Only tracewire's own http instrumentation steps aside, never one the app runs itself.
    if (!handle.config.sdkDisabled) stepAsideForAdapter(server);
  };

  return {
    handle,
    /**
     * Makes this adapter the owner of the server's spans from its next request on, for an
     * adapter that knows its server before the first request (Fastify's `instance.server`).
     * Others pass the request's socket to `start()`, which does this on the first request.
     */
    ownServer(server: unknown): void {
      stepAside(server);
    },
    start(request: IncomingRequestInfo): ObservedRequest {
      const requestId = resolveRequestId(request.headers[requestIdHeader]);
      try {
        request.setResponseHeader(requestIdHeader, requestId);
      } catch {
        // Headers already sent: the ID still goes on every log line.
      }
      const path = pathOf(request.url);
      if (handle.isIgnoredPath(path)) return IGNORED_REQUEST(handle.logger, requestId);

      const startedAt = process.hrtime.bigint();
      const method = normalizeMethod(request.method);
      const scheme = request.scheme ?? 'http';
      const parentContext = context.active();
      const rpcMetadata = getRPCMetadata(parentContext);
      const instrumentationSpan = rpcMetadata?.type === RPCType.HTTP ? rpcMetadata.span : undefined;
      // tracewire's own http instrumentation wrapped this server: from the next request
      // on, this observer's span is the server span.
      if (instrumentationSpan && request.socket) stepAside((request.socket as { server?: unknown }).server);

      let ownSpan: Span | undefined;
      let requestContext: Context = parentContext;
      let requestMetadata = rpcMetadata;
      if (!instrumentationSpan) {
        const extracted = propagation.extract(parentContext, request.headers);
        // The attributes the http instrumentation gives its server span, minus the
        // query string and the peer's address.
        const attributes: Record<string, string | number> = {
          'http.request.method': method,
          'url.path': path,
          'url.scheme': scheme,
        };
        hostAttributes(request.headers.host, attributes);
        if (request.httpVersion) attributes['network.protocol.version'] = request.httpVersion;
        const userAgent = request.headers['user-agent'];
        if (typeof userAgent === 'string') attributes['user_agent.original'] = userAgent;
        ownSpan = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes }, extracted);
        // Marked the way the http instrumentation marks its server span, so framework
        // instrumentations inside the request (@fastify/otel) see that a server span
        // exists: they start INTERNAL spans under it instead of a second SERVER span.
        requestMetadata = { type: RPCType.HTTP, span: ownSpan };
        requestContext = setRPCMetadata(trace.setSpan(extracted, ownSpan), requestMetadata);
      }
      const span = instrumentationSpan ?? ownSpan;
      if (span && sendTraceResponse) {
        const value = traceResponseValue(span);
        if (value) {
          try {
            request.setResponseHeader('traceresponse', value);
          } catch {
            // Headers already sent; nothing to add.
          }
        }
      }

      return new FollowedRequest(
        settings,
        requestId,
        handle.logger.child({ request_id: requestId }),
        span,
        ownSpan,
        requestContext,
        requestMetadata,
        method,
        scheme,
        request.httpVersion,
        path,
        request,
        startedAt,
      );
    },
  };
}

/** The observer `createRequestObserver()` returns. */
export type RequestObserver = ReturnType<typeof createRequestObserver>;
