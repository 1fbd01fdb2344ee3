import type { ReceivedLogRecord, ReceivedMetricPoint, ReceivedSpan } from '../otlp/otlp-types.ts';
import type { SentryRecords } from '../sentry/sentry-types.ts';
import type { FailureMode, FailureTarget } from './failure-modes.ts';
import type { SentryApiStubOptions } from './sentry-api-stub.ts';

/**
 * Options for {@link startTestSink}.
 *
 * @example
 * ```ts
 * const sink = await startTestSink({ publicKey: 'canary_5f3a', projectId: '42' });
 * ```
 */
export interface TestSinkOptions {
  /**
   * The DSN's public key. Letters, digits and underscores only (the Sentry SDK rejects
   * anything else). Default: 32 random hex characters.
   */
  publicKey?: string;
  /** The DSN's project ID, digits only. Default `'1'`. */
  projectId?: string;
  /** A failure in force from the start. Default `'none'`. */
  failure?: FailureMode;
  /** Which receiver `failure` applies to. Default `'all'`. */
  failureTarget?: FailureTarget;
  /**
   * Reject Sentry requests whose credentials do not match the sink's DSN, as Sentry does:
   * 401 without a key or with another key, 403 for another project. Default `false`:
   * any key and project are accepted.
   */
  checkCredentials?: boolean;
  /** Also serve a fake Sentry web API (`GET /api/0/` with the token's scopes) at `sink.url`. */
  sentryApi?: SentryApiStubOptions;
}

/**
 * The environment variables that point a service at the sink.
 *
 * @example
 * ```ts
 * const child = spawn(process.execPath, ['server.js'], { env: { ...process.env, ...sink.env } });
 * ```
 */
export interface TestSinkEnv {
  /** `http://<publicKey>@127.0.0.1:<port>/<projectId>` */
  SENTRY_DSN: string;
  /** `http://127.0.0.1:<port>`: exporters append `/v1/traces`, `/v1/metrics`, `/v1/logs`. */
  OTEL_EXPORTER_OTLP_ENDPOINT: string;
  OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf';
  /** Index signature so the object spreads into `process.env` and `child_process` options. */
  [name: string]: string;
}

/**
 * Full URLs of every endpoint, for exporters configured with an explicit `url`.
 *
 * @example
 * ```ts
 * const exporter = new OTLPTraceExporter({ url: sink.endpoints.traces });
 * ```
 */
export interface TestSinkEndpoints {
  traces: string;
  metrics: string;
  logs: string;
  /** Sentry's envelope endpoint for the sink's project. */
  sentryEnvelope: string;
  /** Sentry's OTLP traces endpoint, spelled as `Sentry.getOtlpTracesEndpoint(dsn).url` spells it. */
  sentryOtlpTraces: string;
}

/**
 * Which receiver handled a request: `'sentry-api'` is the web API stub (`sentryApi`
 * option); `'unknown'` for paths the sink does not serve.
 *
 * @example
 * ```ts
 * expect(sink.requests.filter((request) => request.receiver === 'sentry')).toEqual([]);
 * ```
 */
export type RequestReceiver = 'sentry' | 'sentry-api' | 'otlp' | 'unknown';

/**
 * What became of a request:
 * - `'recorded'`: decoded, recorded, answered with 200.
 * - `'failed'`: answered with the HTTP status of a failure mode; nothing recorded.
 * - `'refused'`: connection destroyed by the `'refuse'` failure mode.
 * - `'hanging'`: held by the `'hang'` failure mode, not answered yet.
 * - `'abandoned'`: the client went away (or the sink closed) before an answer.
 * - `'rejected'`: not a request the sink understands: unknown path (404), wrong method (405),
 *   unsupported content type or encoding (415), or a body that does not decode (400).
 *
 * @example
 * ```ts
 * expect(sink.requests.map((request) => request.outcome)).toEqual(['failed', 'recorded']);
 * ```
 */
export type RequestOutcome = 'recorded' | 'failed' | 'refused' | 'hanging' | 'abandoned' | 'rejected';

/**
 * One entry of `sink.requests`.
 *
 * @example
 * ```ts
 * // No Sentry traffic at all when the DSN is empty:
 * expect(sink.requests.filter((request) => request.receiver === 'sentry')).toEqual([]);
 * // The exporter compressed its payloads:
 * expect(sink.requests.every((request) => request.contentEncoding === 'gzip')).toBe(true);
 * ```
 */
export interface ReceivedRequest {
  method: string;
  /** The URL path without the query string (which may carry `sentry_key`). */
  path: string;
  receiver: RequestReceiver;
  /** `'envelope'`/`'store'` on Sentry, the OTLP signal on OTLP paths (also on Sentry's OTLP path). */
  endpoint: 'envelope' | 'store' | 'traces' | 'metrics' | 'logs' | undefined;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  /** Request headers, lowercase names. Values are as sent, including credentials. */
  headers: Record<string, string>;
  /** Body length on the wire (before decompression). */
  bytes: number;
  /** Body length after undoing `Content-Encoding`, when that succeeded. */
  decodedBytes: number | undefined;
  /** The HTTP status answered; `undefined` when refused, hanging or abandoned. */
  status: number | undefined;
  outcome: RequestOutcome;
  /** Why the request was rejected, when it was. */
  error: string | undefined;
  /** `Date.now()` when the request arrived. */
  receivedAt: number;
}

/**
 * A request body as received, decompressed when its `Content-Encoding` could be undone.
 *
 * @example
 * ```ts
 * const total = sink.rawBodies().reduce((bytes, { body }) => bytes + body.length, 0);
 * ```
 */
export interface RawBody {
  request: ReceivedRequest;
  body: Buffer;
}

/**
 * Where {@link TestSink.grep} found its needle.
 *
 * @example
 * ```ts
 * const leaks = sink.grep('sntrys_canary');
 * expect(leaks.map((match) => `${match.request.path} ${match.location}`)).toEqual([]);
 * ```
 */
export interface ByteMatch {
  request: ReceivedRequest;
  /** `'body'` (decompressed), `'url'` (path and query string) or `'header'`. */
  location: 'body' | 'url' | 'header';
  /** The header's name, for `location: 'header'`. */
  header: string | undefined;
}

/**
 * Minimum counts for `sink.waitFor({ ... })`: it resolves once every given count is reached.
 *
 * @example
 * ```ts
 * await sink.waitFor({ spans: 2, events: 1 });
 * ```
 */
export interface TestSinkCounts {
  spans?: number;
  metrics?: number;
  logs?: number;
  /** Sentry error and message events. */
  events?: number;
  transactions?: number;
  envelopes?: number;
  sentryLogs?: number;
  clientReports?: number;
  /** Requests of any outcome. */
  requests?: number;
}

/**
 * Options for `sink.waitFor`.
 *
 * @example
 * ```ts
 * await sink.waitFor((s) => s.spans.length >= 3, { timeoutMs: 20_000, description: 'three spans' });
 * ```
 */
export interface WaitForOptions {
  /** Give up after this long. Default 10 000 ms (the OTel batch processor waits 5 s before exporting). */
  timeoutMs?: number;
  /** Names what is awaited in the timeout message, e.g. `'the GET /users/:id span'`. */
  description?: string;
}

/**
 * What a predicate may return to mean "not yet".
 *
 * @example
 * ```ts
 * const span = await sink.waitFor((s) => s.spans.length > 0 && s.spans[0]);
 * ```
 */
export type Falsy = false | 0 | '' | null | undefined;

/**
 * A running sink: one HTTP server on 127.0.0.1 that is both a fake Sentry ingest and an
 * OTLP/HTTP receiver, and records what it receives as plain objects.
 *
 * @example
 * ```ts
 * const sink = await startTestSink();
 * try {
 *   const service = await startMyService({ env: sink.env });
 *   await fetch(`${service.url}/boom`);
 *   const event = await sink.waitFor((s) => s.sentry.events[0]);
 *   const span = sink.spans.find((s) => s.traceId === event.contexts?.trace?.trace_id);
 *   expect(span).toBeDefined();
 * } finally {
 *   await sink.close();
 * }
 * ```
 */
export interface TestSink {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** `http://<publicKey>@127.0.0.1:<port>/<projectId>` */
  readonly dsn: string;
  readonly publicKey: string;
  readonly projectId: string;
  /** `SENTRY_DSN`, `OTEL_EXPORTER_OTLP_ENDPOINT` and `OTEL_EXPORTER_OTLP_PROTOCOL` for the service under test. */
  readonly env: TestSinkEnv;
  readonly endpoints: TestSinkEndpoints;

  /** Every span received over OTLP, from both the plain and the Sentry OTLP path, in arrival order. */
  readonly spans: readonly ReceivedSpan[];
  /** Every metric data point received over OTLP. */
  readonly metrics: readonly ReceivedMetricPoint[];
  /** Every log record received over OTLP. */
  readonly logs: readonly ReceivedLogRecord[];
  /** Everything the fake Sentry ingest received. */
  readonly sentry: Readonly<SentryRecords>;
  /** Every request, whatever became of it, in arrival order. */
  readonly requests: readonly ReceivedRequest[];
  /** The failure in force on each receiver. */
  readonly failures: { readonly sentry: FailureMode; readonly otlp: FailureMode };

  /** The body of every request that was read, decompressed; for grepping all traffic. */
  rawBodies(): RawBody[];
  /**
   * Finds `needle` anywhere in the received traffic: decompressed bodies, URLs (with query
   * strings) and header values. Use it to prove a secret never left the service.
   */
  grep(needle: string | Uint8Array): ByteMatch[];

  /** Resolves with the sink once each count is reached; rejects on timeout with a summary of what arrived. */
  waitFor(counts: TestSinkCounts, options?: WaitForOptions): Promise<TestSink>;
  /**
   * Resolves with the predicate's first truthy result. The predicate runs now and again after
   * every request the sink handles; a throw counts as "not yet" and is quoted in the timeout
   * message. Rejects on timeout, or when the sink is closed, with a summary of what arrived.
   */
  waitFor<T>(predicate: (sink: TestSink) => T | Falsy, options?: WaitForOptions): Promise<T>;

  /** Changes the failure mode; resolves once it is in force (the port closed or reopened). */
  setFailure(mode: FailureMode, options?: { target?: FailureTarget }): Promise<void>;
  /** Forgets everything received so far (spans, metrics, logs, Sentry data, requests). Failure modes stay. */
  reset(): void;
  /** Closes the server and destroys every open connection, hung ones included. */
  close(): Promise<void>;
  /** A summary of what was received; never includes keys or header values. */
  toString(): string;
  [Symbol.asyncDispose](): Promise<void>;
}
