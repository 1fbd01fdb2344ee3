import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import pino, { type DestinationStream } from 'pino';
import { maskSecretsInText } from '../privacy/mask-secrets-in-text.ts';
import type { TracewireConfig } from '../config/types.ts';
import type { ProblemReporter } from '../diagnostics/rate-limited-reporter.ts';
import { createResource } from '../tracing/resource.ts';
import { TRACEWIRE_VERSION } from '../version.ts';
import type { Pipeline } from '../init/pipeline.ts';
import type { LogWorkerData, LogWorkerReply, LogWorkerRequest } from './otlp-log-worker-protocol.ts';

/**
 * Where log lines go, as the handle's `pipelines.logs` and the startup summary report it.
 *
 * @example
 * const { exporting, endpoint, stdout } = observability.pipelines.logs;
 * if (exporting) console.log(`log records to ${endpoint}${stdout ? ' and stdout' : ''}`);
 */
export interface LogsPipelineStatus {
  /** True when lines are exported as OTLP log records. */
  exporting: boolean;
  /** The logs endpoint, credentials masked; undefined when not exporting. */
  endpoint: string | undefined;
  /** True when lines also go to stdout (or the injected destination). */
  stdout: boolean;
}

/**
 * Lines counted by the OTLP log export. Once flushed, `written = delivered + dropped`;
 * in between, the difference is `queued`.
 *
 * @example
 * await observability.flush();
 * const { written, delivered, dropped } = observability.logRecords();
 * console.log(`${delivered} of ${written} lines delivered, ${dropped} dropped`);
 */
export interface LogRecordCounts {
  /** Lines the logger handed to the export. */
  written: number;
  /** Lines the receiver accepted. */
  delivered: number;
  /** Lines dropped: queue full, export failed after retries, or written after shutdown. */
  dropped: number;
  /** Lines still on their way. */
  queued: number;
}

/** The OTLP logs pipeline: the pipeline shape, the destination the logger writes to, and its counts. */
export interface OtlpLogPipeline extends Pipeline<LogsPipelineStatus> {
  /**
   * The stream the logger writes to: `primary` (stdout when undefined) and the export,
   * or the export alone when stdout is off. `primary` itself when not exporting, so the
   * logger keeps pino's own default destination.
   */
  destination(primary: DestinationStream | undefined): DestinationStream | undefined;
  counts(): LogRecordCounts;
}

export interface OtlpLogPipelineOptions {
  config: TracewireConfig;
  /** False when the logs pipeline is switched off (invalid settings, SDK disabled). */
  enabled: boolean;
  reporter: ProblemReporter;
  /** Called (at most once per tick) with lines that will never be delivered, for `tracewire.telemetry.dropped`. */
  onDropped(count: number): void;
  /** The worker entry; found next to this module when absent. */
  workerUrl?: URL;
}

const WORKER_FILES = ['otlp-log-worker.mjs', 'otlp-log-worker.ts'];

/** How long lines wait on the app's thread before they are handed to the worker, at most. */
const HAND_OVER_DELAY_MS = 50;

/**
 * The worker sits next to this module: dist/otlp-log-worker.mjs for both builds (the
 * CommonJS build has no `import.meta.url`, so `__filename` locates it there), and
 * src/logging/otlp-log-worker.ts when tests run the sources.
 */
function findWorker(): URL | undefined {
  const here = typeof __filename === 'string' ? pathToFileURL(__filename) : new URL(import.meta.url);
  for (const name of WORKER_FILES) {
    const candidate = new URL(`./${name}`, here);
    if (existsSync(fileURLToPath(candidate))) return candidate;
  }
  return undefined;
}

/**
 * Every line the logger writes, also as an OTLP log record, sent from a worker thread.
 *
 * The main thread does as little as possible per line: pino has already serialised and
 * redacted it, so the line's bytes are appended to a pending chunk and counted; chunks
 * are handed to the worker at most every 50 ms or once a batch is full. The queue limit
 * is enforced here, on lines anywhere in the pipeline (pending, in the worker, being sent), so a slow or
 * dead receiver drops new lines — counted — and never blocks the app or grows memory.
 * The worker is unref'd: it never keeps the process alive, but flush and shutdown ref it
 * until it has drained, so lines written before SIGTERM, `shutdown()` or `beforeExit`
 * are delivered within the deadline instead of dying with the thread.
 *
 * @example
 * const logs = startOtlpLogPipeline({ config, enabled: true, reporter, onDropped: (n) => {} });
 * const logger = createLogger(config, { destination: logs.destination(undefined) });
 * await logs.shutdown(Date.now() + 5000);
 * logs.counts(); // { written, delivered, dropped, queued: 0 }
 */
export function startOtlpLogPipeline(options: OtlpLogPipelineOptions): OtlpLogPipeline {
  const { config } = options;
  const endpoint = config.otlp.logsEndpoint;
  const exporting = options.enabled && config.logs.exporter === 'otlp' && endpoint !== undefined;
  const stdout = !exporting || config.logs.stdout;
  const status: LogsPipelineStatus = {
    exporting,
    endpoint: exporting && endpoint ? maskSecretsInText(endpoint) : undefined,
    stdout,
  };
  const workerUrl = exporting ? (options.workerUrl ?? findWorker()) : undefined;
  if (!exporting || endpoint === undefined || workerUrl === undefined) {
    if (exporting) {
      options.reporter.report('TW_EXPORT_FAILED', {
        signal: 'logs',
        endpoint: status.endpoint ?? 'the logs endpoint',
        reason: 'the log export worker file is missing from the installed package',
      });
    }
    return idlePipeline({ ...status, exporting: false, endpoint: undefined, stdout: true });
  }

  const maxQueueSize = config.logs.maxQueueSize;
  const maxBatch = Math.min(config.logs.maxExportBatchSize, maxQueueSize);
  let written = 0;
  let delivered = 0;
  let dropped = 0;
  let queued = 0;
  let pending = '';
  let pendingCount = 0;
  // Lines wait up to this long (or for a full batch) before they are handed over: each
  // hand-over wakes the worker thread, and once per event-loop turn, as under load, the
  // wake-ups cost more than the lines. The worker batches for scheduleDelayMs anyway.
  const handOverDelayMs = Math.min(HAND_OVER_DELAY_MS, config.logs.scheduleDelayMs);
  let handOver: NodeJS.Timeout | undefined;
  let closed = false;
  let worker: Worker | undefined;
  let workerFailed = false;
  let nextRequestId = 1;
  const waiting = new Map<number, () => void>();
  let activeWaits = 0;

  // Drops are counted at once (counts() is exact at any moment) but reported to the
  // metric once per tick: in a burst, a counter update per dropped line would cost the
  // app's thread more than the line itself.
  let unreportedDrops = 0;
  let dropReportScheduled = false;
  const reportDrops = () => {
    dropReportScheduled = false;
    const count = unreportedDrops;
    unreportedDrops = 0;
    if (count === 0) return;
    try {
      options.onDropped(count);
    } catch {
      // Counting must never break logging.
    }
  };
  const drop = (count: number) => {
    if (count <= 0) return;
    dropped += count;
    unreportedDrops += count;
    if (!dropReportScheduled) {
      dropReportScheduled = true;
      setImmediate(reportDrops).unref();
    }
  };

  const postPending = () => {
    if (handOver !== undefined) {
      clearTimeout(handOver);
      handOver = undefined;
    }
    if (pendingCount === 0 || worker === undefined) return;
    const chunk = pending;
    pending = '';
    pendingCount = 0;
    worker.postMessage(chunk);
  };

  const exportStream: DestinationStream = {
    write(line: string) {
      written += 1;
      if (closed || workerFailed || queued >= maxQueueSize) {
        drop(1);
        return;
      }
      queued += 1;
      pending += line;
      pendingCount += 1;
      if (pendingCount >= maxBatch) postPending();
      // Unref'd: flush, shutdown and beforeExit hand over what is pending themselves.
      else handOver ??= setTimeout(postPending, handOverDelayMs).unref();
    },
  };

  const onReply = (reply: LogWorkerReply) => {
    if (reply.type === 'settled') {
      queued -= reply.delivered + reply.failed;
      delivered += reply.delivered;
      if (reply.failed > 0) {
        drop(reply.failed);
        options.reporter.report('TW_EXPORT_FAILED', {
          signal: 'logs',
          endpoint: status.endpoint ?? 'the logs endpoint',
          reason: reply.reason ?? 'export failed',
        });
      }
      return;
    }
    waiting.get(reply.id)?.();
  };

  // A worker that cannot run (a broken install) turns the export off, counted, and
  // reported once; the app and its stdout lines carry on.
  const onWorkerGone = (reason: string) => {
    if (workerFailed) return;
    workerFailed = true;
    const lost = queued;
    queued = 0;
    pending = '';
    pendingCount = 0;
    drop(lost);
    for (const resolve of waiting.values()) resolve();
    waiting.clear();
    if (!closed) {
      options.reporter.report('TW_EXPORT_FAILED', {
        signal: 'logs',
        endpoint: status.endpoint ?? 'the logs endpoint',
        reason,
      });
    }
  };

  const start = (resource: LogWorkerData['resource']) => {
    if (closed || workerFailed) return;
    const workerData: LogWorkerData = {
      url: endpoint,
      headers: { ...config.otlp.headers },
      protocol: config.otlp.protocol,
      maxQueueSize,
      maxExportBatchSize: maxBatch,
      scheduleDelayMs: config.logs.scheduleDelayMs,
      exportTimeoutMs: config.logs.exportTimeoutMs,
      resource,
      version: TRACEWIRE_VERSION,
    };
    try {
      // The worker only encodes and sends: it gets none of the app's preloads (execArgv
      // would repeat `--import @tracewire/core/register` and the app's own), and its
      // stdout/stderr are not the app's.
      worker = new Worker(workerUrl, { workerData, execArgv: [], stdout: true, stderr: true });
    } catch (error) {
      onWorkerGone(error instanceof Error ? error.message : 'the log export worker did not start');
      return;
    }
    worker.on('message', onReply);
    worker.on('error', (error) => onWorkerGone(`the log export worker stopped: ${error.message}`));
    worker.on('exit', () => onWorkerGone('the log export worker exited'));
    // After the listeners: adding a 'message' listener refs the worker's port again.
    if (activeWaits === 0) worker.unref();
    postPending();
  };

  // The resource is detected here, as for spans, and handed over as plain data; host
  // detection finishes asynchronously, so lines wait in the pending chunk until then.
  const resourceReady = (async () => {
    const resource = createResource(config);
    await resource.waitForAsyncAttributes?.();
    return { ...resource.attributes } as LogWorkerData['resource'];
  })().then(start, (error: unknown) =>
    onWorkerGone(`resource detection failed: ${error instanceof Error ? error.message : String(error)}`),
  );

  /** Asks the worker for something and waits for its answer, keeping the process alive meanwhile. */
  const request = async (type: LogWorkerRequest['type'], deadline: number): Promise<boolean> => {
    const remaining = deadline - Date.now();
    if (remaining <= 0) return queued === 0;
    let timer: NodeJS.Timeout | undefined;
    activeWaits += 1;
    worker?.ref();
    try {
      const timedOut = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), remaining);
      });
      const answered = (async () => {
        await resourceReady;
        if (!worker || workerFailed) return queued === 0;
        postPending();
        const id = nextRequestId++;
        const done = new Promise<void>((resolve) => waiting.set(id, resolve));
        worker.postMessage({ type, id } satisfies LogWorkerRequest);
        await done;
        waiting.delete(id);
        return queued === 0;
      })();
      return await Promise.race([answered, timedOut]);
    } finally {
      clearTimeout(timer);
      activeWaits -= 1;
      if (activeWaits === 0) worker?.unref();
    }
  };

  let shutdownPromise: Promise<void> | undefined;
  const pipeline: OtlpLogPipeline = {
    name: 'logs',
    status,
    destination(primary) {
      if (!stdout) return exportStream;
      return teeDestination(primary ?? pino.destination(process.stdout.fd ?? 1), exportStream);
    },
    counts: () => ({ written, delivered, dropped, queued }),
    flush: (deadline) => (closed ? Promise.resolve(queued === 0) : request('flush', deadline)),
    shutdown(deadline) {
      shutdownPromise ??= (async () => {
        try {
          await request('shutdown', deadline);
        } catch {
          // Shutdown never rejects.
        }
        closed = true;
        // Only now, drained or out of time, is the thread ended. Lines still inside at
        // the deadline are counted as dropped, so the counts stay whole.
        const lost = queued;
        queued = 0;
        pending = '';
        pendingCount = 0;
        drop(lost);
        reportDrops();
        const ending = worker;
        worker = undefined;
        if (ending) {
          ending.removeAllListeners('exit');
          ending.removeAllListeners('error');
          ending.on('error', () => {});
          await ending.terminate().catch(() => 0);
        }
      })();
      return shutdownPromise;
    },
  };
  return pipeline;
}

function idlePipeline(status: LogsPipelineStatus): OtlpLogPipeline {
  return {
    name: 'logs',
    status,
    destination: (primary) => primary,
    counts: () => ({ written: 0, delivered: 0, dropped: 0, queued: 0 }),
    flush: async () => true,
    shutdown: async () => {},
  };
}

type FlushableStream = DestinationStream & {
  flush?: (callback?: (error?: Error | null) => void) => void;
  flushSync?: () => void;
  end?: () => void;
  /** The stream whose buffered output the logging pipeline flushes at exit (stdout). */
  primary?: DestinationStream;
};

/**
 * Writes each line to both streams. Flushing (pino's `logger.flush()`) reaches the
 * primary stream, whose buffered output is what can be lost at exit; the export has its
 * own flush through the pipeline.
 */
function teeDestination(primary: DestinationStream, exported: DestinationStream): DestinationStream {
  const first = primary as FlushableStream;
  const tee: FlushableStream = {
    primary,
    write(line: string) {
      first.write(line);
      exported.write(line);
    },
    flush(callback) {
      if (typeof first.flush === 'function') first.flush(callback);
      else callback?.();
    },
    flushSync() {
      first.flushSync?.();
    },
    end() {
      first.end?.();
    },
  };
  return tee;
}
