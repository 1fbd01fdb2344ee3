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
import type { NodeClient, Scope } from '@sentry/node';
import type { Logger } from 'pino';
import { REQUEST_DURATIONS_KEY, SERVER_SPANS_KEY } from '../global-symbols.ts';
import { getObservability } from '../init/global-state.ts';
import {
  DURATION_BUCKETS,
  type RequestDurationRecorder,
  requestDurationAttributes,
} from '../metrics/request-duration-histogram.ts';
import type { ObservabilityHandle } from '../init/handle.ts';
import { captureOnce } from '../sentry/capture-once.ts';
import { redactQueryString, SAFE_REQUEST_HEADERS } from '../sentry/privacy.ts';
import { type RequestScopeSeed, withRequestScopes } from '../sentry/request-scopes.ts';
import { loadSentrySdk, type SentrySdk } from '../sentry/sentry-sdk.ts';
import { linkContext } from '../tracing/linked-context.ts';
import { setRequestTransaction } from '../tracing/request-transaction.ts';
import type { ServerSpans } from '../tracing/server-spans.ts';
import { TRACEWIRE_VERSION } from '../version.ts';
import { resolveRequestId } from './request-id.ts';
import { guardShouldCapture, isServerError, type ShouldCapture } from './capture-policy.ts';
import { HttpStatusError } from './http-status-error.ts';
import { REQUEST_FIELD_LIMITS, truncateRequestField } from './request-field-limits.ts';
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
  /**
   * Decides which failed requests reach Sentry. Default: status >= 500. Asked once per
   * failed request; when it throws, the default decides, the problem is logged as
   * `TW_CALLBACK_FAILED` (once a minute) and the app's response is left as it was.
   */
  shouldCapture?: ShouldCapture;
}

/**
 * What an adapter tells the observer about its framework, once per observer.
 *
 * @example
 * createRequestObserver(options, { discoverRoute: (ctx) => (ctx as { _matchedRoute?: string })._matchedRoute });
 */
export interface RequestObserverAdapter {
  /**
   * The route template the framework matched, read from `IncomingRequestInfo.frameworkRequest`
   * when a request fails or finishes, for frameworks that may name the route late (Koa's
   * router on a frozen context). Undefined when no route matched.
   */
  discoverRoute?(frameworkRequest: object): string | undefined;
}

/**
 * The part of a response the observer watches to finish a request: Node's `ServerResponse`.
 *
 * @example
 * const response: ObservedResponse = res; // an http.ServerResponse
 */
export interface ObservedResponse {
  readonly statusCode: number;
  on(event: 'finish' | 'close', listener: (this: ObservedResponse) => void): unknown;
  /** Used for `x-request-id` and `traceresponse` when the request info has no `setResponseHeader`. */
  setHeader?(name: string, value: string): unknown;
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
  /**
   * The response: given, the request finishes on its first `finish` or `close` event
   * with the response's `statusCode`, so the adapter never binds either.
   */
  response?: ObservedResponse;
  /** The framework's own request object (Koa's `ctx`), handed to `discoverRoute`. */
  frameworkRequest?: object;
  /**
   * Sets a response header (`x-request-id`, `traceresponse`). Default: the response's
   * `setHeader`, so an adapter that hands over Node's response needs no function per request.
   */
  setResponseHeader?(name: string, value: string): void;
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
  /** Whether `fail()` or `failWithoutError()` reported a failure for this request. */
  readonly failed: boolean;
  /** Whether the request has finished (access log written, own span ended). */
  readonly finished: boolean;
  /** Names the request by its route template: span `GET /users/:id`, `http.route`, metric label. */
  setRoute(route: string): void;
  /** Runs the rest of the request inside its trace context and its own Sentry scope. */
  run<T>(callback: () => T): T;
  /**
   * The failure path: `shouldCapture` is asked once (guarded: a throw means the
   * default, `status >= 500`). A 5xx, or a failure `shouldCapture` wants, gets an
   * exception event on the server span (status ERROR for a 5xx); a captured one gets
   * one Sentry event with route, method, redacted URL, safe headers, status code and
   * request ID. Reporting the same error again is a no-op that returns the same event
   * ID. Never throws. Returns the Sentry event ID.
   */
  fail(error: unknown, status: number): string | undefined;
  /**
   * A 5xx the app answered without any error reaching the adapter (`ctx.status = 503`):
   * reported as an `HttpStatusError` only when the app's own `shouldCapture`, asked with
   * `undefined` as the error, wants it. Nothing when the request already failed.
   */
  failWithoutError(status: number): string | undefined;
  /**
   * The completion path: access log line, and the metric and span end when tracewire
   * owns the span. The first call counts; later ones do nothing. Called by the
   * observer itself on the response's `finish` or `close` when `start()` got `response`.
   */
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

/** The path as tracewire writes it (access log, span): cut to its documented length. */
function boundedPath(path: string): string {
  return path.length <= REQUEST_FIELD_LIMITS.path
    ? path
    : truncateRequestField(path, REQUEST_FIELD_LIMITS.path);
}

function safeHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of SAFE_REQUEST_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') picked[name] = truncateRequestField(value, REQUEST_FIELD_LIMITS.header);
    else if (Array.isArray(value))
      picked[name] = truncateRequestField(value.join(', '), REQUEST_FIELD_LIMITS.header);
  }
  return picked;
}

/** `server.address` and `server.port` from a Host header (`api.example.com:8080`, `[::1]:3000`). */
function hostAttributes(host: unknown, attributes: Record<string, string | number>): void {
  if (typeof host !== 'string' || host === '') return;
  const match = /^(\[[^\]]*\]|[^:]*)(?::(\d{1,5}))?$/.exec(host);
  if (!match?.[1]) return;
  const address = match[1].startsWith('[') ? match[1].slice(1, -1) : match[1];
  attributes['server.address'] = truncateRequestField(address, REQUEST_FIELD_LIMITS.host);
  if (match[2]) attributes['server.port'] = Number(match[2]);
}

/**
 * The attributes the http instrumentation gives its server span, minus the query string
 * and the peer's address (and `url.path`, given at the span's start for the sampler).
 */
function serverSpanAttributes(
  request: IncomingRequestInfo,
  method: string,
  scheme: string,
): Record<string, string | number> {
  const attributes: Record<string, string | number> = {
    'http.request.method': method,
    'url.scheme': scheme,
  };
  hostAttributes(request.headers.host, attributes);
  if (request.httpVersion) attributes['network.protocol.version'] = request.httpVersion;
  const userAgent = request.headers['user-agent'];
  if (typeof userAgent === 'string')
    attributes['user_agent.original'] = truncateRequestField(userAgent, REQUEST_FIELD_LIMITS.header);
  return attributes;
}

/** Sets a header on the response, if it has not been sent yet (else the header is left out). */
function setResponseHeader(request: IncomingRequestInfo, name: string, value: string): void {
  try {
    if (request.setResponseHeader !== undefined) request.setResponseHeader(name, value);
    else request.response?.setHeader?.(name, value);
  } catch {
    // Headers already sent: the request ID still goes on every log line.
  }
}

function traceResponseValue(span: Span): string | undefined {
  const spanContext = span.spanContext();
  if (!trace.isSpanContextValid(spanContext)) return undefined;
  const flags = (spanContext.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED ? '01' : '00';
  return `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
}

/** A request on an ignored path (health check, scrape): a request ID and nothing else. */
class IgnoredRequest implements ObservedRequest {
  readonly ignored = true;
  readonly span = undefined;
  readonly route = undefined;
  readonly failed = false;
  readonly finished = false;

  constructor(
    readonly requestId: string,
    readonly log: Logger,
  ) {}

  setRoute(): void {}

  run<T>(callback: () => T): T {
    // Nothing inside an ignored request is traced: a health check's own calls make no spans.
    return context.with(suppressTracing(context.active()), callback);
  }

  fail(): undefined {
    return undefined;
  }

  failWithoutError(): undefined {
    return undefined;
  }

  finish(): void {}
}

// The followed request a response finishes, under a module-local symbol: one property on
// the response instead of a closure and two `once` wrappers per request.
const FINISHES = Symbol('tracewire.http.finishes');

interface FinishingResponse extends ObservedResponse {
  [FINISHES]?: FollowedRequest;
}

/** The one listener for every response's `finish` and `close`: whichever comes first ends the request. */
function finishOnResponseEnd(this: FinishingResponse): void {
  this[FINISHES]?.finish(this.statusCode);
}

/** What every request of one observer shares. */
interface ObserverSettings {
  handle: ObservabilityHandle;
  accessLog: boolean;
  /** `shouldCapture`, guarded; the default when the app gave none. */
  shouldCapture: ShouldCapture;
  /** Whether the app gave its own `shouldCapture` (only then is a bare 5xx asked about). */
  appDecidesCapture: boolean;
  /** `shouldCapture` asked about a bare 5xx, guarded: a throw means no event, as without it. */
  shouldCaptureWithoutError: ShouldCapture;
  discoverRoute: RequestObserverAdapter['discoverRoute'];
  /** Sentry's SDK when the Sentry pipeline runs: requests get scopes of their own. */
  sentry: SentrySdk | undefined;
  /** Sentry's client, read once per observer. */
  sentryClient: NodeClient | undefined;
  /** Records `http.server.request.duration` for a request tracewire's own span covered. */
  durations: RequestDurationRecorder;
}

/**
 * One followed request. A class rather than an object literal of closures: requests are
 * the hot path, and instances of one class share their shape and their methods, where a
 * literal with a getter and a dozen closures per request costs microseconds and keeps
 * the garbage collector busy.
 */
class FollowedRequest implements ObservedRequest, RequestScopeSeed {
  readonly ignored = false;
  route: string | undefined = undefined;
  /** The request's own Sentry isolation scope, once `run()` created it. */
  private isolationScope: Scope | undefined = undefined;
  failed = false;
  finished = false;
  private errorType: string | undefined = undefined;
  /** The error `fail()` last reported, and its Sentry event ID: a repeat is a no-op. */
  private failure: unknown = undefined;
  private eventId: string | undefined = undefined;
  /** The request logger, made on first use: an adapter that logs through its framework's own request logger (Fastify's) never needs it. */
  private requestLog: Logger | undefined = undefined;

  constructor(
    private readonly settings: ObserverSettings,
    readonly requestId: string,
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

  /** Request-scoped logger: `request_id` plus `trace_id`/`span_id` on every line. */
  get log(): Logger {
    this.requestLog ??= this.settings.handle.logger.child({ request_id: this.requestId });
    return this.requestLog;
  }

  setRoute(route: string): void {
    if (!route) return;
    const template = truncateRequestField(route, REQUEST_FIELD_LIMITS.route);
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
    const { sentry } = this.settings;
    if (sentry === undefined) return this.inContext(callback);
    // Each request gets its own Sentry scopes, so `Sentry.setUser()` or `setContext()` in
    // one request never bleeds into another. They are forked when first used (most
    // requests never touch them); `seedScope` then gives them the request's data.
    return withRequestScopes(
      sentry,
      this.settings.sentryClient,
      this,
      this.ownSpan ? () => context.with(this.requestContext, callback) : callback,
    );
  }

  /** The request's data on its isolation scope, once the scope is forked. */
  seedScope(scope: Scope): void {
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
  }

  fail(error: unknown, status: number): string | undefined {
    if (this.failed && error === this.failure) return this.eventId;
    try {
      this.discoverRoute();
      return this.report(error, status, this.settings.shouldCapture(error, status));
    } catch {
      // Reporting must never replace the app's own error with one of ours.
      return undefined;
    }
  }

  failWithoutError(status: number): string | undefined {
    if (this.failed || !isServerError(status) || !this.settings.appDecidesCapture) return undefined;
    try {
      this.discoverRoute();
      if (!this.settings.shouldCaptureWithoutError(undefined, status)) return undefined;
      const error = new HttpStatusError(
        `${this.transactionName()} answered ${status} without an error`,
        status,
      );
      return this.report(error, status, true);
    } catch {
      return undefined;
    }
  }

  private report(error: unknown, status: number, capture: boolean): string | undefined {
    this.failed = true;
    this.failure = error;
    this.eventId = undefined;
    // A 4xx the app answers on purpose (validation, not found) leaves the span alone
    // unless `shouldCapture` wants it reported; a 5xx marks it failed either way.
    const serverError = isServerError(status);
    const span = this.finished ? undefined : this.span;
    if (span && (serverError || capture)) {
      this.errorType = String(status);
      if (error instanceof Error) span.recordException(error);
      else span.recordException({ message: String(error) });
      // Semantic conventions: a 4xx is the client's mistake, not a server span error.
      if (serverError) {
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
      }
    }
    const { sentry } = this.settings;
    if (!capture || sentry === undefined) return undefined;
    const sendEvent = () =>
      sentry.node.withScope((scope) => {
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
    this.eventId = this.span
      ? context.with(trace.setSpan(context.active(), this.span), sendEvent)
      : sendEvent();
    return this.eventId;
  }

  /** Asks the adapter for a route the framework named after the request started. */
  private discoverRoute(): void {
    const { discoverRoute } = this.settings;
    const frameworkRequest = this.request.frameworkRequest;
    if (discoverRoute === undefined || frameworkRequest === undefined) return;
    const template = discoverRoute(frameworkRequest);
    if (template && template !== this.route) this.setRoute(template);
  }

  finish(status: number): void {
    if (this.finished) return;
    this.discoverRoute();
    this.finished = true;
    const seconds = Number(process.hrtime.bigint() - this.startedAt) / 1e9;
    const ownSpan = this.ownSpan;
    if (ownSpan) {
      ownSpan.setAttribute('http.response.status_code', status);
      if (isServerError(status)) {
        ownSpan.setStatus({ code: SpanStatusCode.ERROR });
        ownSpan.setAttribute('error.type', this.errorType ?? String(status));
      }
      ownSpan.end();
      this.settings.durations.record(
        seconds,
        this.method,
        status,
        this.scheme,
        this.httpVersion,
        this.route,
        isServerError(status) ? (this.errorType ?? String(status)) : undefined,
      );
    }
    if (!this.settings.accessLog) return;
    if (this.span) {
      context.with(
        trace.setSpan(linkContext(context.active()), this.span),
        this.writeAccessLog,
        this,
        status,
        seconds,
      );
    } else {
      this.writeAccessLog(status, seconds);
    }
  }

  private writeAccessLog(status: number, seconds: number): void {
    const { method, route, path } = this;
    this.log[isServerError(status) ? 'error' : 'info'](
      {
        http: { method, route, path, status_code: status },
        duration_ms: Math.round(seconds * 1e6) / 1e3,
      },
      // Never the raw path: the caller chooses it, and `http.path` already has it, bounded.
      route === undefined ? `${method} ${status}` : `${method} ${route} ${status}`,
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
    return {
      method: this.method,
      url: this.requestUrl(),
      headers: safeHeaders(this.request.headers),
    };
  }

  /** The request's URL as Sentry events carry it: query values redacted, length bounded. */
  private requestUrl(): string {
    const { headers, url } = this.request;
    const host = typeof headers.host === 'string' ? headers.host : 'localhost';
    return truncateRequestField(
      redactQueryString(`${this.scheme}://${host}${url ?? '/'}`),
      REQUEST_FIELD_LIMITS.url,
    );
  }
}

/**
 * Where a request's duration is recorded: the handle's own histogram when tracewire's
 * metrics pipeline runs; otherwise the global meter (an app's own OpenTelemetry SDK when
 * tracewire's is disabled, else a no-op).
 */
function requestDurationsOf(handle: ObservabilityHandle): RequestDurationRecorder {
  const own = (handle as unknown as Record<symbol, RequestDurationRecorder | undefined>)[
    REQUEST_DURATIONS_KEY
  ];
  if (own !== undefined) return own;
  let histogram: Histogram | undefined;
  return {
    record(seconds, method, status, scheme, protocolVersion, route, errorType) {
      histogram ??= metrics
        .getMeter('@tracewire/core', TRACEWIRE_VERSION)
        .createHistogram('http.server.request.duration', {
          unit: 's',
          description: 'Duration of HTTP server requests.',
          advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
        });
      histogram.record(
        seconds,
        requestDurationAttributes(method, status, scheme, protocolVersion, route, errorType),
      );
    },
  };
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
 * Adapters own route discovery and emitter binding only: the failure path
 * (`observed.fail(error, status)`) and the completion path (the first `finish` or
 * `close` of the `response` given to `start()`) are the observer's.
 *
 * @example
 * import { createRequestObserver } from '@tracewire/core/adapter';
 *
 * const observer = createRequestObserver();
 * http.createServer((req, res) => {
 *   const observed = observer.start({ method: req.method, url: req.url, headers: req.headers, response: res });
 *   observed.run(() => {
 *     observed.setRoute('/users/:id');
 *     handle(req, res).catch((error) => {
 *       res.statusCode = 500;
 *       observed.fail(error, 500);
 *       res.end();
 *     });
 *   });
 * });
 */
export function createRequestObserver(
  options: RequestObserverOptions = {},
  adapter: RequestObserverAdapter = {},
) {
  const handle = options.handle ?? getObservability();
  if (!handle) {
    throw new Error(
      'tracewire is not initialised: call initObservability() (or start node with --import @tracewire/core/register) before creating the middleware',
    );
  }
  const requestIdHeader = (options.requestIdHeader ?? 'x-request-id').toLowerCase();
  const sendTraceResponse = options.traceResponseHeader !== false;
  const tracer = trace.getTracer('@tracewire/core', TRACEWIRE_VERSION);
  // Loaded by `initObservability()` when its Sentry pipeline started; never without a DSN.
  const sentry = handle.pipelines.sentry ? loadSentrySdk() : undefined;
  const settings: ObserverSettings = {
    handle,
    accessLog: options.accessLog !== false,
    shouldCapture: guardShouldCapture(options.shouldCapture, handle),
    appDecidesCapture: options.shouldCapture !== undefined,
    shouldCaptureWithoutError: guardShouldCapture(
      options.shouldCapture,
      handle,
      () => false,
      'no event for a status without an error',
    ),
    discoverRoute: adapter.discoverRoute,
    sentry,
    sentryClient: sentry?.node.getClient<NodeClient>(),
    durations: requestDurationsOf(handle),
  };
  const serverSpans = (handle as unknown as Record<symbol, ServerSpans | undefined>)[SERVER_SPANS_KEY];

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
      setResponseHeader(request, requestIdHeader, requestId);
      const path = pathOf(request.url);
      if (handle.isIgnoredPath(path)) return new IgnoredRequest(requestId, handle.logger);

      const startedAt = process.hrtime.bigint();
      const writtenPath = boundedPath(path);
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
        // The sampler sees the path (ignored paths are never sampled); every other
        // attribute only serves a recorded span, so an unsampled request builds none.
        const attributes = { 'url.path': writtenPath };
        // A request without trace headers starts a new trace: the shortcut decides its
        // sampling before anything is built for it.
        let parent = parentContext;
        let started = serverSpans?.startRoot(method, attributes, parentContext, request.headers);
        if (started === undefined) {
          parent = propagation.extract(parentContext, request.headers);
          started = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes }, parent);
        }
        ownSpan = started;
        if (ownSpan.isRecording()) ownSpan.setAttributes(serverSpanAttributes(request, method, scheme));
        // Marked the way the http instrumentation marks its server span, so framework
        // instrumentations inside the request (@fastify/otel) see that a server span
        // exists: they start INTERNAL spans under it instead of a second SERVER span.
        requestMetadata = { type: RPCType.HTTP, span: ownSpan };
        // Linked rather than copied: the two values cost two small objects, not two maps.
        requestContext = setRPCMetadata(trace.setSpan(linkContext(parent), ownSpan), requestMetadata);
      }
      const span = instrumentationSpan ?? ownSpan;
      if (span && sendTraceResponse) {
        const value = traceResponseValue(span);
        if (value) setResponseHeader(request, 'traceresponse', value);
      }

      const followed = new FollowedRequest(
        settings,
        requestId,
        span,
        ownSpan,
        requestContext,
        requestMetadata,
        method,
        scheme,
        request.httpVersion,
        writtenPath,
        request,
        startedAt,
      );
      const response = request.response as FinishingResponse | undefined;
      if (response !== undefined) {
        if (response[FINISHES] === undefined) {
          response[FINISHES] = followed;
          // 'close' also follows 'finish'; the second call is a no-op. A client that
          // hangs up early gets no 'finish', and the request still ends once.
          response.on('finish', finishOnResponseEnd);
          response.on('close', finishOnResponseEnd);
        } else {
          // A second observer on the same response (middleware registered twice in Koa):
          // rare enough for a closure of its own.
          const finishSecond = () => followed.finish(response.statusCode);
          response.on('finish', finishSecond);
          response.on('close', finishSecond);
        }
      }
      return followed;
    },
  };
}

/** The observer `createRequestObserver()` returns. */
export type RequestObserver = ReturnType<typeof createRequestObserver>;
