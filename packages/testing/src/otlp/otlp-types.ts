// The plain objects the sink turns OTLP into. Protobuf and JSON requests decode to the same
// shapes, so a test does not care which protocol its exporter used.

/**
 * An OTLP `AnyValue`, decoded: `int64` becomes a `number` when it is a safe integer and a
 * `bigint` otherwise, `bytes` a `Uint8Array`, `kvlist` a plain object, `array` an array, and an
 * empty value `undefined`.
 *
 * @example
 * ```ts
 * const span = sink.spans[0]!;
 * const value: AttributeValue = span.attributes['http.response.status_code'];
 * expect(value).toBe(500);
 * ```
 */
export type AttributeValue =
  | string
  | number
  | bigint
  | boolean
  | Uint8Array
  | undefined
  | AttributeValue[]
  | { [key: string]: AttributeValue };

/**
 * Decoded OTLP attributes (`repeated KeyValue`), keyed by attribute name.
 *
 * @example
 * ```ts
 * const attributes: Attributes = sink.spans[0]!.resource;
 * expect(attributes['service.name']).toBe('checkout');
 * ```
 */
export type Attributes = Record<string, AttributeValue>;

/**
 * Where an OTLP request arrived: the plain `/v1/...` paths, or Sentry's OTLP ingest path.
 *
 * @example
 * ```ts
 * const viaSentry = sink.spans.filter((span) => span.receiver === 'sentry');
 * ```
 */
export type OtlpReceiver = 'otlp' | 'sentry';

/**
 * The instrumentation scope (tracer, meter or logger name and version) that produced the data.
 *
 * @example
 * ```ts
 * expect(sink.spans[0]!.scope).toEqual({ name: '@tracewire/core', version: '1.0.0', attributes: {} });
 * ```
 */
export interface InstrumentationScope {
  name: string;
  version: string | undefined;
  attributes: Attributes;
}

/**
 * The span kind, by name. OTLP numbers kinds from 1 (`SPAN_KIND_INTERNAL = 1`) while
 * `@opentelemetry/api`'s `SpanKind` starts at 0, so names avoid an off-by-one in assertions.
 *
 * @example
 * ```ts
 * const servers = sink.spans.filter((span) => span.kind === 'server');
 * ```
 */
export type ReceivedSpanKind = 'unspecified' | 'internal' | 'server' | 'client' | 'producer' | 'consumer';

/**
 * A span event (`Span.Event`).
 *
 * @example
 * ```ts
 * const exception = span.events.find((event) => event.name === 'exception');
 * expect(exception?.attributes['exception.message']).toBe('boom');
 * ```
 */
export interface ReceivedSpanEvent {
  name: string;
  timeUnixNano: string;
  attributes: Attributes;
}

/**
 * A span link (`Span.Link`).
 *
 * @example
 * ```ts
 * expect(consumer.links[0]?.spanId).toBe(producer.spanId);
 * ```
 */
export interface ReceivedSpanLink {
  traceId: string;
  spanId: string;
  traceState: string | undefined;
  attributes: Attributes;
}

/**
 * One span as received over OTLP.
 *
 * @example
 * ```ts
 * const span = await sink.waitFor((s) => s.spans.find((span) => span.name === 'GET /users/:id'));
 * expect(span.kind).toBe('server');
 * expect(span.attributes['http.route']).toBe('/users/:id');
 * expect(span.parentSpanId).toBeUndefined();
 * ```
 */
export interface ReceivedSpan {
  /** 32 lowercase hex characters. */
  traceId: string;
  /** 16 lowercase hex characters. */
  spanId: string;
  /** 16 lowercase hex characters, or `undefined` for a root span. */
  parentSpanId: string | undefined;
  traceState: string | undefined;
  /** W3C trace flags and OTLP span flags (`Span.flags`); `undefined` when the sender left it out. */
  flags: number | undefined;
  name: string;
  kind: ReceivedSpanKind;
  /** Nanoseconds since the Unix epoch, as a decimal string (they do not fit a `number`). */
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  /** `code` uses OTLP's numbers, which match `SpanStatusCode`: 0 unset, 1 ok, 2 error. */
  status: { code: number; message: string };
  events: ReceivedSpanEvent[];
  links: ReceivedSpanLink[];
  resource: Attributes;
  scope: InstrumentationScope;
  /** `'sentry'` when the span came in through `/api/<projectId>/integration/otlp/v1/traces`. */
  receiver: OtlpReceiver;
}

/**
 * The OTLP metric data kinds.
 *
 * @example
 * ```ts
 * const histograms = sink.metrics.filter((point) => point.type === 'histogram');
 * ```
 */
export type MetricType = 'sum' | 'gauge' | 'histogram' | 'exponentialHistogram' | 'summary';

/**
 * A metric exemplar: a sample measurement, usually linked to the span that recorded it.
 *
 * @example
 * ```ts
 * const [exemplar] = point.exemplars;
 * expect(exemplar?.traceId).toBe(span.traceId);
 * ```
 */
export interface ReceivedExemplar {
  traceId: string | undefined;
  spanId: string | undefined;
  timeUnixNano: string;
  value: number | bigint | undefined;
  filteredAttributes: Attributes;
}

/**
 * The buckets on one side of zero of an exponential histogram data point.
 *
 * @example
 * ```ts
 * const total = point.positive!.bucketCounts.reduce((sum, count) => sum + count, 0);
 * ```
 */
export interface ExponentialBuckets {
  offset: number;
  bucketCounts: number[];
}

/**
 * One metric data point as received over OTLP, flattened with its metric's name, unit and
 * type. Which value fields are set depends on `type`: `value` for sums and gauges; `count`,
 * `sum`, `min`, `max` for histograms and summaries; `bucketCounts` and `explicitBounds` for
 * histograms; `scale`, `zeroCount`, `positive`, `negative` for exponential histograms;
 * `quantileValues` for summaries.
 *
 * @example
 * ```ts
 * const point = sink.metrics.find(
 *   (p) => p.name === 'http.server.request.duration' && p.attributes['http.route'] === '/users/:id',
 * );
 * expect(point?.type).toBe('histogram');
 * expect(point?.count).toBe(1);
 * ```
 */
export interface ReceivedMetricPoint {
  name: string;
  unit: string;
  description: string;
  type: MetricType;
  /** For sums and (exponential) histograms. */
  temporality: 'delta' | 'cumulative' | 'unspecified' | undefined;
  /** For sums. */
  isMonotonic: boolean | undefined;
  attributes: Attributes;
  startTimeUnixNano: string;
  timeUnixNano: string;
  /** Sum and gauge value: `as_int` is a `number` (or `bigint` past 2^53), `as_double` a `number`. */
  value: number | bigint | undefined;
  count: number | undefined;
  sum: number | undefined;
  min: number | undefined;
  max: number | undefined;
  bucketCounts: number[] | undefined;
  explicitBounds: number[] | undefined;
  scale: number | undefined;
  zeroCount: number | undefined;
  positive: ExponentialBuckets | undefined;
  negative: ExponentialBuckets | undefined;
  quantileValues: { quantile: number; value: number }[] | undefined;
  exemplars: ReceivedExemplar[];
  resource: Attributes;
  scope: InstrumentationScope;
  receiver: OtlpReceiver;
}

/**
 * One log record as received over OTLP.
 *
 * @example
 * ```ts
 * const record = await sink.waitFor((s) => s.logs.find((log) => log.body === 'user signed in'));
 * expect(record.severityText).toBe('INFO');
 * expect(record.traceId).toMatch(/^[0-9a-f]{32}$/);
 * ```
 */
export interface ReceivedLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  /** The decoded `AnyValue` body: usually the message string. */
  body: AttributeValue;
  attributes: Attributes;
  /** 32 lowercase hex characters, or `undefined` for a log written outside a trace. */
  traceId: string | undefined;
  spanId: string | undefined;
  flags: number | undefined;
  eventName: string | undefined;
  resource: Attributes;
  scope: InstrumentationScope;
  receiver: OtlpReceiver;
}

/** The three OTLP signals the sink receives. */
export type OtlpSignal = 'traces' | 'metrics' | 'logs';

/**
 * How an OTLP request body is encoded: `application/x-protobuf` or `application/json`.
 *
 * @example
 * ```ts
 * const spans = decodeOtlpTraces(body, { format: 'json' satisfies OtlpFormat });
 * ```
 */
export type OtlpFormat = 'protobuf' | 'json';
