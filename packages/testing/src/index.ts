export type { DecodeOtlpOptions } from './otlp/decode-otlp.ts';
export { decodeOtlpLogs, decodeOtlpMetrics, decodeOtlpTraces } from './otlp/decode-otlp.ts';
export type {
  AttributeValue,
  Attributes,
  ExponentialBuckets,
  InstrumentationScope,
  MetricType,
  OtlpFormat,
  OtlpReceiver,
  ReceivedExemplar,
  ReceivedLogRecord,
  ReceivedMetricPoint,
  ReceivedSpan,
  ReceivedSpanEvent,
  ReceivedSpanKind,
  ReceivedSpanLink,
} from './otlp/otlp-types.ts';
export type {
  ReceivedSentryEnvelope,
  SentryAuth,
  SentryEndpoint,
  SentryEnvelopeItem,
  SentryRecords,
} from './sentry/sentry-types.ts';
export type { FailureMode, FailureTarget, StatusFailure } from './sink/failure-modes.ts';
export type { SentryApiStubOptions } from './sink/sentry-api-stub.ts';
export { startTestSink } from './sink/start-test-sink.ts';
export type {
  ByteMatch,
  Falsy,
  RawBody,
  ReceivedRequest,
  RequestOutcome,
  RequestReceiver,
  TestSink,
  TestSinkCounts,
  TestSinkEndpoints,
  TestSinkEnv,
  TestSinkOptions,
  WaitForOptions,
} from './sink/test-sink-types.ts';
