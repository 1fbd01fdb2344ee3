import pino, { type DestinationStream, type Logger } from 'pino';
import type { TracewireConfig } from '../config/types.ts';
import { type Pipeline, remainingMs } from '../init/pipeline.ts';
import { type CreateLoggerOptions, createLogger } from './create-logger.ts';

/** The logging pipeline: the pino logger and the destination its lines are buffered in. */
export interface LoggingPipeline extends Pipeline<{ enabled: true }> {
  logger: Logger;
}

interface SonicBoomLike {
  flushSync(): void;
  minLength: number;
  /** sonic-boom's own flag for an asynchronous write in progress; it has no public one. */
  _writing: boolean;
  once(event: 'drain' | 'error', listener: () => void): unknown;
  removeListener(event: 'drain' | 'error', listener: () => void): unknown;
}

interface FlushableStream {
  flush(callback: (error?: Error) => void): void;
}

function isSonicBoom(stream: unknown): stream is SonicBoomLike {
  const candidate = stream as Partial<SonicBoomLike>;
  return typeof candidate.flushSync === 'function' && typeof candidate._writing === 'boolean';
}

/** Resolves true once `event` is emitted, or false at the deadline. */
function waitFor(
  stream: {
    once(event: string, listener: () => void): unknown;
    removeListener(event: string, listener: () => void): unknown;
  },
  event: string,
  deadline: number,
): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (result: boolean) => {
      clearTimeout(timer);
      stream.removeListener(event, onEvent);
      resolve(result);
    };
    const onEvent = () => done(true);
    const timer = setTimeout(() => done(false), remainingMs(deadline));
    stream.once(event, onEvent);
  });
}

/**
 * Hands every buffered log line to the operating system before the deadline.
 *
 * pino's stdout destination (sonic-boom) writes asynchronously and buffers what
 * arrives meanwhile; a process killed by a re-raised signal loses that buffer. Its
 * `flush(cb)` calls back at once when `minLength` is 0 (pino's default), so the
 * write in progress is awaited through `drain`, and the rest is written synchronously.
 */
export async function flushLogDestination(stream: DestinationStream, deadline: number): Promise<boolean> {
  // A destination that copies each line to another (stdout beside the OTLP log export)
  // is flushed through the stream it copies to; the export flushes as its own pipeline.
  const primary = (stream as { primary?: DestinationStream }).primary;
  if (primary) return flushLogDestination(primary, deadline);
  try {
    if (isSonicBoom(stream)) {
      // An asynchronous write in flight is awaited: writing the rest synchronously
      // meanwhile would put lines out of order, and killing the process would lose it.
      const drained = stream._writing ? await waitFor(stream, 'drain', deadline) : true;
      stream.flushSync();
      return drained;
    }
    const flushable = stream as Partial<FlushableStream>;
    if (typeof flushable.flush === 'function') {
      // pino transports (thread-stream) and other destinations with a flush callback.
      return await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), remainingMs(deadline));
        flushable.flush?.((error) => {
          clearTimeout(timer);
          resolve(!error);
        });
      });
    }
    const writable = stream as Partial<NodeJS.WritableStream & { writableLength: number }>;
    if (typeof writable.writableLength === 'number' && writable.writableLength > 0 && writable.once) {
      return await waitFor(writable as Parameters<typeof waitFor>[0], 'drain', deadline);
    }
    return true;
  } catch {
    // A destroyed or not yet open destination has nothing tracewire can still deliver.
    return false;
  }
}

/**
 * Starts the logging pipeline: `createLogger`'s pino logger, whose destination is
 * flushed by `flush(deadline)` and `shutdown(deadline)`. Shutdown does not end the
 * destination: the app may still log after tracewire has stopped (its own signal
 * handler's last line), and those lines must not be lost either.
 */
export function createLoggingPipeline(
  config: TracewireConfig,
  options: CreateLoggerOptions,
): LoggingPipeline {
  const logger = createLogger(config, options);
  const destination = (logger as unknown as Record<symbol, DestinationStream>)[pino.symbols.streamSym];
  const flush = (deadline: number) =>
    destination ? flushLogDestination(destination, deadline) : Promise.resolve(true);
  return {
    name: 'logging',
    status: { enabled: true },
    logger,
    flush,
    shutdown: async (deadline) => {
      await flush(deadline);
    },
  };
}
