/**
 * What every pipeline (tracing, metrics, Sentry, logging, log export) returns when it
 * starts, so `initObservability` composes them and flushes or stops them in one loop.
 *
 * `deadline` is an absolute `Date.now()` timestamp in milliseconds: one budget shared
 * by every pipeline, instead of a timeout each pipeline would start counting on its own.
 */
export interface Pipeline<Status = unknown> {
  /** The name the startup summary, `tracewire config` and the shutdown report use. */
  readonly name: string;
  /** What the pipeline reports about itself (on or off, destinations). */
  readonly status: Status;
  /** Exports everything buffered; resolves false when not everything could be handed over. */
  flush(deadline: number): Promise<boolean>;
  /** Flushes and stops; never rejects. Work still pending at the deadline is given up on. */
  shutdown(deadline: number): Promise<void>;
}

/** Milliseconds left until `deadline`, never negative. */
export function remainingMs(deadline: number, now: number = Date.now()): number {
  return Math.max(0, deadline - now);
}

/** What one pass over the pipelines achieved by the deadline. */
export interface PipelinesOutcome {
  /** Every pipeline finished (and, for a flush, reported success) before the deadline. */
  ok: boolean;
  /** Pipelines still working when the deadline passed. */
  pending: string[];
}

/**
 * Runs `flush` or `shutdown` on every pipeline at once and resolves when all of them
 * have settled or the deadline has passed, whichever is first. A pipeline that hangs
 * or throws never holds up the others, and never makes this reject.
 *
 * @example
 * const outcome = await runPipelines([tracing, sentry], 'shutdown', Date.now() + 2000);
 * if (outcome.pending.length > 0) console.warn('still busy:', outcome.pending);
 */
export function runPipelines(
  pipelines: readonly Pipeline[],
  step: 'flush' | 'shutdown',
  deadline: number,
): Promise<PipelinesOutcome> {
  const pending = new Set(pipelines.map((pipeline) => pipeline.name));
  let allSucceeded = true;
  return new Promise<PipelinesOutcome>((resolve) => {
    const timer = setTimeout(() => {
      resolve({ ok: false, pending: [...pending] });
    }, remainingMs(deadline));
    const settled = pipelines.map(async (pipeline) => {
      try {
        const result = await pipeline[step](deadline);
        if (result === false) allSucceeded = false;
      } catch {
        allSucceeded = false;
      } finally {
        pending.delete(pipeline.name);
      }
    });
    void Promise.all(settled).then(() => {
      clearTimeout(timer);
      resolve({ ok: allSucceeded, pending: [] });
    });
  });
}
