// The worker thread of the OTLP log export: it receives log lines exactly as pino wrote
// them (already serialised and redacted on the main thread), turns each into an OTLP
// LogRecord with OpenTelemetry's logs SDK, and sends them from here, so encoding and
// network I/O never run on the application's event loop.
//
// This file is an entry of its own (built to dist/otlp-log-worker.mjs, run from src by
// Node's type stripping under vitest): it imports only packages and types, and uses only
// syntax that type stripping accepts.
import { type Context, ROOT_CONTEXT, SeverityNumber, trace } from '@opentelemetry/api';
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { OTLPExporterBase } from '@opentelemetry/otlp-exporter-base';
import {
  createOtlpHttpExportDelegate,
  httpAgentFactoryFromOptions,
} from '@opentelemetry/otlp-exporter-base/node-http';
import {
  type IExportLogsServiceResponse,
  JsonLogsSerializer,
  LogsExporterMetricsHelper,
  ProtobufLogsSerializer,
} from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchLogRecordProcessor,
  type LogRecordExporter,
  LoggerProvider,
  type ReadableLogRecord,
} from '@opentelemetry/sdk-logs';
import { parentPort, workerData } from 'node:worker_threads';
import type { LogWorkerData, LogWorkerReply, LogWorkerRequest } from './otlp-log-worker-protocol.ts';

const data = workerData as LogWorkerData;
const port = parentPort;

// Fields that are not attributes of the record: pino's own (level, time, msg), the trace
// fields that become the record's trace context, and the base fields the resource holds.
const NOT_ATTRIBUTES = new Set([
  'level',
  'time',
  'msg',
  'trace_id',
  'span_id',
  'trace_flags',
  'pid',
  'service',
  'env',
  'version',
]);

const SEVERITY_BY_LABEL: Readonly<Record<string, number>> = {
  trace: SeverityNumber.TRACE,
  debug: SeverityNumber.DEBUG,
  info: SeverityNumber.INFO,
  warn: SeverityNumber.WARN,
  error: SeverityNumber.ERROR,
  fatal: SeverityNumber.FATAL,
};
const LABEL_BY_NUMBER: Readonly<Record<number, string>> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

let received = 0;
let settled = 0;

function post(reply: LogWorkerReply): void {
  port?.postMessage(reply);
}

/** One readable reason, never a stack: the message ends up in the app's own log. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return 'export failed';
  const detail = error as Error & { code?: unknown; status?: unknown };
  const parts = [error.name];
  if (typeof detail.code === 'string' || typeof detail.code === 'number') parts.push(String(detail.code));
  if (typeof detail.status === 'number') parts.push(`status ${detail.status}`);
  parts.push(error.message.split('\n')[0] ?? '');
  return parts
    .filter((part) => part !== '')
    .join(': ')
    .slice(0, 300);
}

/**
 * Reports every batch's outcome to the main thread exactly once, after the exporter's
 * own retries: the main thread keeps written = delivered + dropped from these.
 */
function countingExporter(inner: LogRecordExporter): LogRecordExporter {
  return {
    export(records: ReadableLogRecord[], done: (result: ExportResult) => void) {
      let reported = false;
      const report = (result: ExportResult) => {
        if (!reported) {
          reported = true;
          settled += records.length;
          const ok = result.code === ExportResultCode.SUCCESS;
          post({
            type: 'settled',
            delivered: ok ? records.length : 0,
            failed: ok ? 0 : records.length,
            reason: ok ? undefined : describeFailure(result.error),
          });
        }
        done(result);
      };
      try {
        inner.export(records, report);
      } catch (error) {
        report({ code: ExportResultCode.FAILED, error: error as Error });
      }
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}

function createExporter(): LogRecordExporter {
  const json = data.protocol === 'http/json';
  const headers = { ...data.headers, 'Content-Type': json ? 'application/json' : 'application/x-protobuf' };
  // Built from the export delegate, not OpenTelemetry's stock exporter, so only the
  // headers tracewire resolved are sent (the stock one merges OTEL_EXPORTER_OTLP_HEADERS
  // from the environment again), as for spans.
  const delegate = createOtlpHttpExportDelegate<ReadableLogRecord[], IExportLogsServiceResponse>(
    {
      url: data.url,
      headers: async () => headers,
      timeoutMillis: data.exportTimeoutMs,
      concurrencyLimit: 2,
      compression: 'none',
      agentFactory: httpAgentFactoryFromOptions({ keepAlive: true }),
    },
    json ? JsonLogsSerializer : ProtobufLogsSerializer,
    'otlp_http_log_exporter',
    LogsExporterMetricsHelper,
    undefined,
  );
  return new OTLPExporterBase<ReadableLogRecord[]>(delegate);
}

const processor = new BatchLogRecordProcessor({
  exporter: countingExporter(createExporter()),
  // The main thread never lets more lines than this into the pipeline, so this queue
  // cannot overflow: every line is either delivered or reported as failed.
  maxQueueSize: data.maxQueueSize,
  maxExportBatchSize: Math.min(data.maxExportBatchSize, data.maxQueueSize),
  scheduledDelayMillis: data.scheduleDelayMs,
  // The delegate's own timeout ends the export first, with a result that is counted.
  exportTimeoutMillis: data.exportTimeoutMs + 1000,
});
const provider = new LoggerProvider({
  resource: resourceFromAttributes(data.resource),
  processors: [processor],
});
const logger = provider.getLogger('tracewire', data.version);

function traceContext(fields: Record<string, unknown>): Context | undefined {
  const traceId = fields.trace_id;
  const spanId = fields.span_id;
  if (typeof traceId !== 'string' || typeof spanId !== 'string') return undefined;
  if (!TRACE_ID.test(traceId) || !SPAN_ID.test(spanId)) return undefined;
  const flags = typeof fields.trace_flags === 'string' ? Number.parseInt(fields.trace_flags, 16) : 0;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId,
    traceFlags: Number.isNaN(flags) ? 0 : flags,
    isRemote: false,
  });
}

function emitLine(line: string): void {
  let fields: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(line);
    fields =
      typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : { msg: line };
  } catch {
    // Not pino JSON (a custom serialiser): the line itself is the message.
    fields = { msg: line };
  }
  const label =
    typeof fields.level === 'string'
      ? fields.level
      : typeof fields.level === 'number'
        ? LABEL_BY_NUMBER[fields.level]
        : undefined;
  const attributes: Record<string, never> = {};
  for (const key of Object.keys(fields)) {
    if (!NOT_ATTRIBUTES.has(key) && fields[key] !== undefined && fields[key] !== null)
      attributes[key] = fields[key] as never;
  }
  logger.emit({
    timestamp: typeof fields.time === 'number' ? fields.time : Date.now(),
    severityNumber: (label ? SEVERITY_BY_LABEL[label] : undefined) ?? SeverityNumber.UNSPECIFIED,
    severityText: label,
    body: typeof fields.msg === 'string' ? fields.msg : undefined,
    attributes,
    context: traceContext(fields) ?? ROOT_CONTEXT,
  });
}

function receiveLines(chunk: string): void {
  let start = 0;
  while (start < chunk.length) {
    let end = chunk.indexOf('\n', start);
    if (end === -1) end = chunk.length;
    if (end > start) {
      received += 1;
      try {
        emitLine(chunk.slice(start, end));
      } catch {
        // A record the SDK refuses is still accounted for, as not delivered.
        settled += 1;
        post({
          type: 'settled',
          delivered: 0,
          failed: 1,
          reason: 'the log line could not be turned into a record',
        });
      }
    }
    start = end + 1;
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Resolves once every line received so far has been delivered or reported as failed.
 * The SDK's forceFlush returns at once while another flush runs, so it is called again
 * until the count says everything is out.
 */
async function settleEverything(): Promise<void> {
  const target = received;
  while (settled < target) {
    const before = settled;
    await processor.forceFlush().catch(() => {});
    if (settled === before) await pause(5);
  }
}

port?.on('message', (message: string | LogWorkerRequest) => {
  if (typeof message === 'string') {
    receiveLines(message);
    return;
  }
  if (message.type === 'flush') {
    void settleEverything().then(() => post({ type: 'flushed', id: message.id }));
    return;
  }
  void settleEverything()
    .then(() => provider.shutdown())
    .catch(() => {})
    .then(() => post({ type: 'closed', id: message.id }));
});
