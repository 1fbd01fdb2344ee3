// The worker thread of the OTLP log export: it receives log lines exactly as pino wrote
// them (already serialised and redacted on the main thread), encodes each straight into
// the body of the next OTLP request (otlp-log-encoder.ts), and sends the batches from
// here, so encoding and network I/O never run on the application's event loop.
//
// This file is an entry of its own (built to dist/otlp-log-worker.mjs, run from src by
// Node's type stripping under vitest): it imports only packages, types and modules that
// are themselves type-strippable, and uses only syntax that type stripping accepts.
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import {
  createOtlpHttpExportDelegate,
  httpAgentFactoryFromOptions,
} from '@opentelemetry/otlp-exporter-base/node-http';
import type {
  IExporterMetricsHelper,
  IExportLogsServiceResponse,
  ISerializer,
} from '@opentelemetry/otlp-transformer';
import { parentPort, workerData } from 'node:worker_threads';
import { createLogBatchEncoder } from './otlp-log-encoder.ts';
import type { LogWorkerData, LogWorkerReply, LogWorkerRequest } from './otlp-log-worker-protocol.ts';

const data = workerData as LogWorkerData;
const port = parentPort;

/** A request body ready to send, how many lines it holds, and what to call once they are settled. */
interface EncodedBatch {
  body: Uint8Array;
  count: number;
  settle: () => void;
}

/**
 * Exports in flight at once: one, as OpenTelemetry's batch processor had it, so a slow
 * receiver gets one request at a time; further batches wait here, bounded by the main
 * thread's queue limit. The delegate's own limit is higher: it lets go of a finished
 * export a tick after reporting it (and never of one cut off by the deadline below), so
 * at the same limit it would refuse the batch that follows.
 */
const CONCURRENT_EXPORTS = 1;
const DELEGATE_CONCURRENCY_LIMIT = CONCURRENT_EXPORTS * 4;

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

// The body is encoded already; the serializer only hands it over. Responses are not
// read: a partial-success response would only be logged to OpenTelemetry's diag logger,
// which nothing in this thread listens to.
const serializer: ISerializer<EncodedBatch, IExportLogsServiceResponse> = {
  serializeRequest: (batch) => batch.body,
  deserializeResponse: () => ({}),
};
const metricsHelper: IExporterMetricsHelper<EncodedBatch> = {
  name: 'log',
  countItems: (batch) => batch.count,
};

const json = data.protocol === 'http/json';
const headers = { ...data.headers, 'Content-Type': json ? 'application/json' : 'application/x-protobuf' };
// OpenTelemetry's export delegate sends (retries with backoff on 429/502/503/504, the
// timeout, keep-alive); built directly, not through the stock exporter, so only the
// headers tracewire resolved are sent (the stock one merges OTEL_EXPORTER_OTLP_HEADERS
// from the environment again), as for spans.
const delegate = createOtlpHttpExportDelegate<EncodedBatch, IExportLogsServiceResponse>(
  {
    url: data.url,
    headers: async () => headers,
    timeoutMillis: data.exportTimeoutMs,
    concurrencyLimit: DELEGATE_CONCURRENCY_LIMIT,
    compression: 'none',
    agentFactory: httpAgentFactoryFromOptions({ keepAlive: true }),
  },
  serializer,
  'otlp_http_log_exporter',
  metricsHelper,
  undefined,
);

const encoder = createLogBatchEncoder({
  protocol: data.protocol,
  resource: data.resource,
  version: data.version,
});
// The main thread never lets more lines than maxQueueSize into the pipeline, so batches
// waiting here are bounded too: every line is either delivered or reported as failed.
const maxBatch = Math.max(1, Math.min(data.maxExportBatchSize, data.maxQueueSize));
const waitingBatches: EncodedBatch[] = [];
/** One promise per batch not settled yet, from the moment it is sealed. */
const unsettledBatches = new Set<Promise<void>>();
let exporting = 0;
let scheduledExport: NodeJS.Timeout | undefined;

function settleFailedLine(): void {
  post({
    type: 'settled',
    delivered: 0,
    failed: 1,
    reason: 'the log line could not be turned into a record',
  });
}

/** Ends the open batch: it waits for its turn to be sent. */
function sealBatch(): void {
  if (scheduledExport !== undefined) {
    clearTimeout(scheduledExport);
    scheduledExport = undefined;
  }
  if (encoder.count === 0) return;
  const count = encoder.count;
  let settle = () => {};
  const settled = new Promise<void>((resolve) => {
    settle = resolve;
  });
  unsettledBatches.add(settled);
  waitingBatches.push({
    body: encoder.finish(),
    count,
    settle: () => {
      unsettledBatches.delete(settled);
      settle();
    },
  });
  sendWaitingBatches();
}

function sendWaitingBatches(): void {
  while (exporting < CONCURRENT_EXPORTS) {
    const batch = waitingBatches.shift();
    if (batch === undefined) return;
    exporting += 1;
    void sendBatch(batch).then(() => {
      exporting -= 1;
      batch.settle();
      sendWaitingBatches();
    });
  }
}

/**
 * Sends one batch and reports its outcome to the main thread exactly once, after the
 * delegate's own retries: the main thread keeps written = delivered + dropped from these.
 * A delegate that never answers is cut off a second after its own timeout.
 */
function sendBatch(batch: EncodedBatch): Promise<void> {
  return new Promise((resolve) => {
    let reported = false;
    const report = (result: ExportResult) => {
      if (reported) return;
      reported = true;
      clearTimeout(deadline);
      const ok = result.code === ExportResultCode.SUCCESS;
      post({
        type: 'settled',
        delivered: ok ? batch.count : 0,
        failed: ok ? 0 : batch.count,
        reason: ok ? undefined : describeFailure(result.error),
      });
      resolve();
    };
    const deadline = setTimeout(
      () => report({ code: ExportResultCode.FAILED, error: new Error('the export did not finish in time') }),
      data.exportTimeoutMs + 1000,
    );
    try {
      delegate.export(batch, report);
    } catch (error) {
      report({ code: ExportResultCode.FAILED, error: error as Error });
    }
  });
}

function receiveLines(chunk: string): void {
  encoder.observedAt(Date.now());
  let start = 0;
  while (start < chunk.length) {
    let end = chunk.indexOf('\n', start);
    if (end === -1) end = chunk.length;
    if (end > start) {
      try {
        encoder.add(chunk.slice(start, end));
      } catch {
        // A line that cannot be encoded (nested deeper than the stack) is still accounted for.
        settleFailedLine();
      }
      if (encoder.count >= maxBatch) sealBatch();
    }
    start = end + 1;
  }
  if (encoder.count > 0 && scheduledExport === undefined) {
    scheduledExport = setTimeout(sealBatch, data.scheduleDelayMs);
  }
}

/**
 * Resolves once every line received so far has been delivered or reported as failed;
 * lines that arrive meanwhile do not hold it up.
 */
async function settleEverything(): Promise<void> {
  sealBatch();
  await Promise.all(unsettledBatches);
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
    .then(() => delegate.shutdown())
    .catch(() => {})
    .then(() => post({ type: 'closed', id: message.id }));
});
