import type { ProblemReporter } from '../diagnostics/rate-limited-reporter.ts';
import { type Pipeline, runPipelines } from '../init/pipeline.ts';

/**
 * How long the logger's last flush may outlast the shutdown deadline, and only while a
 * write is still in flight: it carries tracewire's own report of what did not finish.
 */
const LAST_LOG_FLUSH_MS = 250;

export interface PipelineLifecycleInput {
  pipelines: readonly Pipeline[];
  /** Log pipelines, flushed once more after every pipeline has stopped: the others' last reports are log lines. */
  logPipelines: readonly Pipeline[];
  reporter: ProblemReporter;
  defaultTimeoutMs: number;
  /** Runs once, after the last flush of a shutdown (removing exit hooks, globals). */
  afterShutdown(): void;
}

export interface PipelineLifecycle {
  flush(timeoutMs?: number): Promise<boolean>;
  shutdown(timeoutMs?: number): Promise<void>;
  isShuttingDown(): boolean;
}

/**
 * `flush` and `shutdown` for a set of pipelines: one pass over all of them with one
 * deadline. A pipeline still busy at the deadline is named in `TW_SHUTDOWN_TIMEOUT`
 * and left behind, so one hanging backend never holds up the others or the exit.
 */
export function createPipelineLifecycle(input: PipelineLifecycleInput): PipelineLifecycle {
  let shutdownPromise: Promise<void> | undefined;
  return {
    async flush(timeoutMs = input.defaultTimeoutMs) {
      return (await runPipelines(input.pipelines, 'flush', Date.now() + timeoutMs)).ok;
    },
    shutdown(timeoutMs = input.defaultTimeoutMs) {
      shutdownPromise ??= (async () => {
        const deadline = Date.now() + timeoutMs;
        const { pending } = await runPipelines(input.pipelines, 'shutdown', deadline);
        if (pending.length > 0) input.reporter.report('TW_SHUTDOWN_TIMEOUT', { timeoutMs, pending });
        const lastFlush = Math.max(deadline, Date.now() + LAST_LOG_FLUSH_MS);
        await runPipelines(input.logPipelines, 'flush', lastFlush);
        try {
          input.afterShutdown();
        } catch {
          // Shutdown never rejects.
        }
      })();
      return shutdownPromise;
    },
    isShuttingDown: () => shutdownPromise !== undefined,
  };
}
