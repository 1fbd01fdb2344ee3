import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { inspect } from 'node:util';
import { decodeOtlpLogs, decodeOtlpMetrics, decodeOtlpTraces } from '../otlp/decode-otlp.ts';
import {
  OTLP_CONTENT_TYPE,
  otlpFormatOf,
  otlpStatusBody,
  otlpSuccessBody,
  RpcCode,
} from '../otlp/otlp-responses.ts';
import type { OtlpFormat, ReceivedLogRecord, ReceivedMetricPoint, ReceivedSpan } from '../otlp/otlp-types.ts';
import {
  parseSentryEnvelope,
  parseSentryStoreBody,
  readSentryAuth,
  recordSentryEnvelope,
} from '../sentry/record-sentry-request.ts';
import { emptySentryRecords, type SentryRecords } from '../sentry/sentry-types.ts';
import { decodeContentEncoding } from './content-encoding.ts';
import { describeReceived, redact } from './describe-received.ts';
import {
  type FailureDecision,
  type FailureMode,
  FailureState,
  type FailureTarget,
  validateFailureMode,
  validateFailureTarget,
} from './failure-modes.ts';
import { checkIngestCredentials } from './ingest-credentials.ts';
import { matchRoute, type Route } from './routes.ts';
import { answerSentryApi, isSentryApiPath, type SentryApiStubOptions } from './sentry-api-stub.ts';
import type {
  ByteMatch,
  Falsy,
  RawBody,
  ReceivedRequest,
  TestSink,
  TestSinkCounts,
  TestSinkEndpoints,
  TestSinkEnv,
  TestSinkOptions,
  WaitForOptions,
} from './test-sink-types.ts';

const HOST = '127.0.0.1';
const DEFAULT_TIMEOUT_MS = 10_000;

interface Exchange {
  request: ReceivedRequest;
  /** Path and query string, kept for grep() only: the query may hold `sentry_key`. */
  rawUrl: string;
  body: Buffer | undefined;
}

interface HeldRequest {
  exchange: Exchange;
  route: Route;
  query: URLSearchParams;
  res: ServerResponse;
}

interface Waiter {
  check(): void;
  fail(reason: string): void;
}

const COUNT_READERS: Record<keyof TestSinkCounts, [label: string, read: (sink: TestSink) => number]> = {
  spans: ['spans', (sink) => sink.spans.length],
  metrics: ['metric points', (sink) => sink.metrics.length],
  logs: ['log records', (sink) => sink.logs.length],
  events: ['Sentry events', (sink) => sink.sentry.events.length],
  transactions: ['Sentry transactions', (sink) => sink.sentry.transactions.length],
  envelopes: ['Sentry envelopes', (sink) => sink.sentry.envelopes.length],
  sentryLogs: ['Sentry logs', (sink) => sink.sentry.logs.length],
  clientReports: ['Sentry client reports', (sink) => sink.sentry.clientReports.length],
  requests: ['requests', (sink) => sink.requests.length],
};

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

function listen(server: http.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error): void => reject(error);
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolve((server.address() as { port: number }).port);
    });
  });
}

class RunningTestSink implements TestSink {
  readonly url: string;
  readonly port: number;
  readonly dsn: string;
  readonly publicKey: string;
  readonly projectId: string;
  readonly env: TestSinkEnv;
  readonly endpoints: TestSinkEndpoints;

  #spans: ReceivedSpan[] = [];
  #metrics: ReceivedMetricPoint[] = [];
  #logs: ReceivedLogRecord[] = [];
  #sentry: SentryRecords = emptySentryRecords();
  #exchanges: Exchange[] = [];

  readonly #server: http.Server;
  readonly #sockets = new Set<Socket>();
  readonly #held = new Set<HeldRequest>();
  readonly #waiters = new Set<Waiter>();
  readonly #failures = new FailureState();
  #listening = true;
  #portChange: Promise<void> = Promise.resolve();
  #closed = false;
  #closing: Promise<void> | undefined;
  readonly #checkCredentials: boolean;
  readonly #sentryApi: SentryApiStubOptions | undefined;

  constructor(
    server: http.Server,
    port: number,
    publicKey: string,
    projectId: string,
    extras: Pick<TestSinkOptions, 'checkCredentials' | 'sentryApi'> = {},
  ) {
    this.#server = server;
    this.#checkCredentials = extras.checkCredentials === true;
    this.#sentryApi = extras.sentryApi;
    this.port = port;
    this.publicKey = publicKey;
    this.projectId = projectId;
    this.url = `http://${HOST}:${port}`;
    this.dsn = `http://${publicKey}@${HOST}:${port}/${projectId}`;
    this.env = {
      SENTRY_DSN: this.dsn,
      OTEL_EXPORTER_OTLP_ENDPOINT: this.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    };
    this.endpoints = {
      traces: `${this.url}/v1/traces`,
      metrics: `${this.url}/v1/metrics`,
      logs: `${this.url}/v1/logs`,
      sentryEnvelope: `${this.url}/api/${projectId}/envelope/`,
      sentryOtlpTraces: `${this.url}/api/${projectId}/integration/otlp/v1/traces/`,
    };
    server.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      this.#handle(req, res).catch((error: unknown) => {
        // A bug in the sink must not take the test process down with an unhandled rejection.
        if (!res.headersSent) res.writeHead(500).end(redact(String(error), this.publicKey));
      });
    });
  }

  get spans(): readonly ReceivedSpan[] {
    return this.#spans;
  }

  get metrics(): readonly ReceivedMetricPoint[] {
    return this.#metrics;
  }

  get logs(): readonly ReceivedLogRecord[] {
    return this.#logs;
  }

  get sentry(): Readonly<SentryRecords> {
    return this.#sentry;
  }

  get requests(): readonly ReceivedRequest[] {
    return this.#exchanges.map((exchange) => exchange.request);
  }

  get failures(): { sentry: FailureMode; otlp: FailureMode } {
    return { sentry: this.#failures.current('sentry'), otlp: this.#failures.current('otlp') };
  }

  rawBodies(): RawBody[] {
    return this.#exchanges.flatMap((exchange) =>
      exchange.body ? [{ request: exchange.request, body: exchange.body }] : [],
    );
  }

  grep(needle: string | Uint8Array): ByteMatch[] {
    const bytes = typeof needle === 'string' ? Buffer.from(needle, 'utf8') : Buffer.from(needle);
    if (bytes.length === 0) throw new TypeError('grep needs a non-empty needle');
    const text = bytes.toString('utf8');
    const matches: ByteMatch[] = [];
    for (const { request, rawUrl, body } of this.#exchanges) {
      if (rawUrl.includes(text) || safeDecodeURI(rawUrl).includes(text)) {
        matches.push({ request, location: 'url', header: undefined });
      }
      for (const [name, value] of Object.entries(request.headers)) {
        if (value.includes(text)) matches.push({ request, location: 'header', header: name });
      }
      if (body?.includes(bytes)) matches.push({ request, location: 'body', header: undefined });
    }
    return matches;
  }

  waitFor(counts: TestSinkCounts, options?: WaitForOptions): Promise<TestSink>;
  waitFor<T>(predicate: (sink: TestSink) => T | Falsy, options?: WaitForOptions): Promise<T>;
  waitFor<T>(
    condition: TestSinkCounts | ((sink: TestSink) => T | Falsy),
    options: WaitForOptions = {},
  ): Promise<T | TestSink> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const predicate = typeof condition === 'function' ? condition : countsPredicate(condition);
    const wanted =
      options.description ??
      (typeof condition === 'function' ? 'the predicate to hold' : describeCounts(condition));
    return new Promise<T | TestSink>((resolve, reject) => {
      let lastError: unknown;
      const settle = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(waiter);
      };
      const waiter: Waiter = {
        check: () => {
          let result: T | TestSink | Falsy;
          try {
            result = predicate(this) as T | TestSink | Falsy;
          } catch (error) {
            lastError = error;
            return;
          }
          if (result) {
            settle();
            resolve(result);
          }
        },
        fail: (reason) => {
          settle();
          const thrown =
            lastError === undefined
              ? ''
              : `\nThe last check threw: ${redact(String((lastError as Error)?.message ?? lastError), this.publicKey)}`;
          const error = new Error(
            `${reason} waiting for ${wanted}.${thrown}\nThe sink received:\n${this.#describe()}`,
          );
          error.name = 'TestSinkTimeoutError';
          reject(error);
        },
      };
      const timer = setTimeout(() => waiter.fail(`waitFor timed out after ${timeoutMs} ms`), timeoutMs);
      this.#waiters.add(waiter);
      if (this.#closed) waiter.fail('The sink is closed');
      else waiter.check();
    });
  }

  async setFailure(mode: FailureMode, options: { target?: FailureTarget } = {}): Promise<void> {
    const target = options.target ?? 'all';
    validateFailureMode(mode);
    validateFailureTarget(target);
    if (this.#closed) throw new Error('setFailure on a closed sink');
    this.#failures.set(mode, target);
    this.#releaseHeld(target);
    // Port changes run one after another, so overlapping calls never listen twice.
    const applied = this.#portChange.then(() => this.#applyListening());
    this.#portChange = applied.catch(() => {});
    await applied;
  }

  reset(): void {
    this.#spans = [];
    this.#metrics = [];
    this.#logs = [];
    this.#sentry = emptySentryRecords();
    this.#exchanges = [];
  }

  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  toString(): string {
    return `TestSink ${this.url}${this.#closed ? ' (closed)' : ''}\n${this.#describe()}`;
  }

  [inspect.custom](): string {
    return this.toString();
  }

  async #close(): Promise<void> {
    this.#closed = true;
    for (const held of this.#held) held.exchange.request.outcome = 'abandoned';
    this.#held.clear();
    const closed = this.#listening
      ? new Promise<void>((resolve) => this.#server.close(() => resolve()))
      : Promise.resolve();
    this.#listening = false;
    for (const socket of this.#sockets) socket.destroy();
    await closed;
    for (const waiter of this.#waiters) waiter.fail('The sink was closed');
  }

  #describe(): string {
    return describeReceived({
      url: this.url,
      publicKey: this.publicKey,
      spans: this.#spans,
      metrics: this.#metrics,
      logs: this.#logs,
      sentry: this.#sentry,
      requests: this.requests,
    });
  }

  #notify(): void {
    for (const waiter of [...this.#waiters]) waiter.check();
  }

  /** Closes the port while both receivers refuse, reopens it on the same port afterwards. */
  async #applyListening(): Promise<void> {
    const shouldListen = !this.#failures.refusesEverything();
    if (shouldListen === this.#listening) return;
    if (shouldListen) {
      // Rejects (EADDRINUSE) if another process took the port meanwhile; the sink then stays closed.
      await listen(this.#server, this.port);
      this.#listening = true;
    } else {
      this.#listening = false;
      const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
      for (const socket of this.#sockets) socket.destroy();
      await closed;
    }
  }

  /** Held (hung) requests whose receiver no longer hangs are processed now. */
  #releaseHeld(target: FailureTarget): void {
    for (const held of [...this.#held]) {
      if (target !== 'all' && held.route.receiver !== target) continue;
      if (this.#failures.current(held.route.receiver) === 'hang') continue;
      this.#held.delete(held);
      this.#accept(held.exchange, held.route, held.query, held.res);
    }
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Concatenated rather than resolved against a base, so a path like `//x` stays a path.
    const parsedUrl = new URL(`${this.url}${req.url ?? '/'}`);
    const route = matchRoute(parsedUrl.pathname);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      const joined = headerValue(value);
      if (joined !== undefined) headers[name] = joined;
    }
    const request: ReceivedRequest = {
      method: req.method ?? 'GET',
      path: parsedUrl.pathname,
      receiver: route?.receiver ?? 'unknown',
      endpoint: route?.endpoint,
      contentType: headers['content-type'],
      contentEncoding: headers['content-encoding'],
      headers,
      bytes: 0,
      decodedBytes: undefined,
      status: undefined,
      outcome: 'hanging',
      error: undefined,
      receivedAt: Date.now(),
    };
    const exchange: Exchange = { request, rawUrl: req.url ?? '/', body: undefined };

    const decision: FailureDecision =
      route && request.method === 'POST' ? this.#failures.decide(route.receiver) : { kind: 'accept' };
    if (decision.kind === 'refuse') {
      request.outcome = 'refused';
      this.#exchanges.push(exchange);
      req.socket.destroy();
      this.#notify();
      return;
    }

    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      request.outcome = 'abandoned';
      this.#exchanges.push(exchange);
      this.#notify();
      return;
    }
    request.bytes = raw.length;
    exchange.body = raw;
    this.#exchanges.push(exchange);

    if (this.#sentryApi && isSentryApiPath(request.path)) {
      request.receiver = 'sentry-api';
      this.#send(
        exchange,
        res,
        answerSentryApi(request.method, request.path, headers.authorization, this.#sentryApi),
      );
      return;
    }
    if (!route) {
      this.#send(exchange, res, rejection(404, 'no receiver at this path'));
      return;
    }
    if (request.method !== 'POST') {
      this.#send(exchange, res, rejection(405, 'only POST is accepted'));
      return;
    }
    if (decision.kind === 'hang') {
      const held: HeldRequest = { exchange, route, query: parsedUrl.searchParams, res };
      this.#held.add(held);
      res.once('close', () => {
        if (this.#held.delete(held)) {
          request.outcome = 'abandoned';
          this.#notify();
        }
      });
      this.#notify();
      return;
    }
    if (decision.kind === 'status') {
      this.#send(exchange, res, failureAnswer(route, request.contentType, decision));
      return;
    }
    this.#accept(exchange, route, parsedUrl.searchParams, res);
  }

  /** Decodes and records a request, then answers it as the real backend would. */
  #accept(exchange: Exchange, route: Route, query: URLSearchParams, res: ServerResponse): void {
    if (res.destroyed) {
      exchange.request.outcome = 'abandoned';
      this.#notify();
      return;
    }
    this.#send(exchange, res, this.#record(exchange, route, query));
  }

  #record(exchange: Exchange, route: Route, query: URLSearchParams): Answer {
    const { request } = exchange;
    const isIngest = route.endpoint === 'envelope' || route.endpoint === 'store';
    const format = isIngest ? undefined : otlpFormatOf(request.contentType);
    if (!isIngest && !format) {
      return rejection(415, 'OTLP/HTTP takes application/x-protobuf or application/json');
    }
    let body: Buffer;
    try {
      body = decodeContentEncoding(exchange.body ?? Buffer.alloc(0), request.contentEncoding);
    } catch (error) {
      const status = (error as { unsupported?: boolean }).unsupported ? 415 : 400;
      return rejection(status, (error as Error).message, format);
    }
    exchange.body = body;
    request.decodedBytes = body.length;

    try {
      if (route.receiver === 'otlp') {
        this.#recordOtlp(route.endpoint, body, format!, 'otlp');
        return otlpSuccess(format!);
      }
      const auth = readSentryAuth(
        route.endpoint === 'envelope' || route.endpoint === 'store' ? route.endpoint : 'otlp',
        route.projectId,
        request.headers['x-sentry-auth'],
        query,
      );
      const denied = this.#checkCredentials
        ? checkIngestCredentials(auth, { publicKey: this.publicKey, projectId: this.projectId })
        : undefined;
      if (denied) return rejection(denied.status, denied.detail, format);
      if (route.endpoint === 'envelope' || route.endpoint === 'store') {
        const envelope =
          route.endpoint === 'envelope' ? parseSentryEnvelope(body, auth) : parseSentryStoreBody(body, auth);
        this.#sentry.auth.push(auth);
        const id = recordSentryEnvelope(this.#sentry, envelope);
        return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id }) };
      }
      this.#recordOtlp(route.endpoint, body, format!, 'sentry');
      this.#sentry.auth.push(auth);
      return otlpSuccess(format!);
    } catch (error) {
      return rejection(400, (error as Error).message, format);
    }
  }

  #recordOtlp(
    signal: 'traces' | 'metrics' | 'logs',
    body: Buffer,
    format: OtlpFormat,
    receiver: 'otlp' | 'sentry',
  ): void {
    // Each decoder returns only after the whole body decoded, so a bad body records nothing.
    if (signal === 'traces') this.#spans.push(...decodeOtlpTraces(body, { format, receiver }));
    else if (signal === 'metrics') this.#metrics.push(...decodeOtlpMetrics(body, { format, receiver }));
    else this.#logs.push(...decodeOtlpLogs(body, { format, receiver }));
  }

  #send(exchange: Exchange, res: ServerResponse, answer: Answer): void {
    const { request } = exchange;
    request.status = answer.status;
    request.error = answer.error;
    request.outcome = answer.status === 200 ? 'recorded' : answer.error === undefined ? 'failed' : 'rejected';
    const body = typeof answer.body === 'string' ? Buffer.from(answer.body) : answer.body;
    res.writeHead(answer.status, { ...answer.headers, 'content-length': body.length });
    res.end(body);
    this.#notify();
  }
}

/** An HTTP answer; `error` is set for rejections (requests the sink could not take). */
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
  error?: string;
}

function otlpSuccess(format: OtlpFormat): Answer {
  return {
    status: 200,
    headers: { 'content-type': OTLP_CONTENT_TYPE[format] },
    body: otlpSuccessBody(format),
  };
}

/** A 4xx for a request the sink does not understand: an rpc Status on OTLP, Sentry's `{ detail }` elsewhere. */
function rejection(status: number, message: string, format?: OtlpFormat): Answer {
  if (format) {
    return {
      status,
      headers: { 'content-type': OTLP_CONTENT_TYPE[format] },
      body: otlpStatusBody(format, RpcCode.invalidArgument, message),
      error: message,
    };
  }
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ detail: message }),
    error: message,
  };
}

/** The answer of a status failure mode, with the retry headers each kind of client reads. */
function failureAnswer(
  route: Route,
  contentType: string | undefined,
  failure: Extract<FailureDecision, { kind: 'status' }>,
): Answer {
  const headers: Record<string, string> = {};
  if (failure.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(failure.retryAfterSeconds);
    if (route.receiver === 'sentry' && failure.status === 429) {
      const categories = (failure.rateLimitCategories ?? []).join(';');
      headers['x-sentry-rate-limits'] = `${failure.retryAfterSeconds}:${categories}:organization:ratelimit`;
    }
  }
  const message = `failure mode: answering ${failure.status}`;
  const isIngest = route.endpoint === 'envelope' || route.endpoint === 'store';
  const format = isIngest ? undefined : otlpFormatOf(contentType);
  if (format) {
    const code = failure.status === 429 ? RpcCode.resourceExhausted : RpcCode.unavailable;
    return {
      status: failure.status,
      headers: { ...headers, 'content-type': OTLP_CONTENT_TYPE[format] },
      body: otlpStatusBody(format, code, message),
    };
  }
  return {
    status: failure.status,
    headers: { ...headers, 'content-type': 'application/json' },
    body: JSON.stringify({ detail: message }),
  };
}

function safeDecodeURI(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
    req.once('close', () => {
      if (!req.complete) reject(new Error('the client went away'));
    });
  });
}

function countsPredicate(counts: TestSinkCounts): (sink: TestSink) => TestSink | false {
  for (const key of Object.keys(counts)) {
    if (!(key in COUNT_READERS))
      throw new TypeError(`waitFor does not know how to count ${JSON.stringify(key)}`);
  }
  return (sink) =>
    (Object.entries(counts) as [keyof TestSinkCounts, number | undefined][]).every(
      ([key, minimum]) => minimum === undefined || COUNT_READERS[key][1](sink) >= minimum,
    ) && sink;
}

function describeCounts(counts: TestSinkCounts): string {
  const parts = (Object.entries(counts) as [keyof TestSinkCounts, number | undefined][])
    .filter(([, minimum]) => minimum !== undefined)
    .map(([key, minimum]) => `${minimum} ${COUNT_READERS[key][0]}`);
  return parts.length > 0 ? `at least ${parts.join(', ')}` : 'nothing';
}

const PUBLIC_KEY = /^\w+$/;
const PROJECT_ID = /^\d+$/;

/**
 * Starts a local telemetry sink on 127.0.0.1 with an ephemeral port: one HTTP server that is
 * both a fake Sentry ingest (`/api/<projectId>/envelope/`, `/store/`, and Sentry's OTLP
 * traces path) and an OTLP/HTTP receiver (`/v1/traces`, `/v1/metrics`, `/v1/logs`, protobuf
 * or JSON, compressed or not). Point a service at it with `sink.env`, then assert on
 * `sink.spans`, `sink.metrics`, `sink.logs` and `sink.sentry`.
 *
 * @example
 * ```ts
 * import { startTestSink } from '@tracewire/testing';
 *
 * const sink = await startTestSink();
 * process.env.SENTRY_DSN = sink.env.SENTRY_DSN;
 * process.env.OTEL_EXPORTER_OTLP_ENDPOINT = sink.env.OTEL_EXPORTER_OTLP_ENDPOINT;
 * // ... exercise the service ...
 * await sink.waitFor({ spans: 1, events: 1 });
 * await sink.close();
 * ```
 */
export async function startTestSink(options: TestSinkOptions = {}): Promise<TestSink> {
  const publicKey = options.publicKey ?? randomBytes(16).toString('hex');
  const projectId = options.projectId ?? '1';
  if (!PUBLIC_KEY.test(publicKey)) {
    // The key may be a test's secret canary: say what is wrong without echoing it.
    throw new TypeError(
      `startTestSink: publicKey must be letters, digits and underscores (a ${publicKey.length}-character value was given)`,
    );
  }
  if (!PROJECT_ID.test(projectId)) {
    throw new TypeError(`startTestSink: projectId must be digits, received ${JSON.stringify(projectId)}`);
  }
  const failure = options.failure ?? 'none';
  const failureTarget = options.failureTarget ?? 'all';
  validateFailureMode(failure);
  validateFailureTarget(failureTarget);

  const server = http.createServer({ keepAliveTimeout: 5_000 });
  const port = await listen(server, 0);
  const sink = new RunningTestSink(server, port, publicKey, projectId, {
    checkCredentials: options.checkCredentials,
    sentryApi: options.sentryApi,
  });
  if (failure !== 'none') await sink.setFailure(failure, { target: failureTarget });
  return sink;
}
