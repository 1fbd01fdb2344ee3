import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type { TracewireConfig } from '../config/types.ts';
import { createLogRedactor } from './redaction.ts';
import { replaceSonicBoomWrite } from './sonic-boom-write.ts';
import { withTraceFields } from './trace-fields.ts';

const ERROR_LEVEL = 50;

/** Reports an error-level log's error to Sentry; returns the Sentry event ID. */
export type ErrorLogCapture = (error: Error, message: string | undefined) => string | undefined;

export interface CreateLoggerOptions {
  /** Where JSON lines go. Defaults to stdout. */
  destination?: DestinationStream;
  /** Extra keys to redact, in addition to tracewire's defaults. */
  redactKeys?: string[];
  /** Sends `logger.error({ err })` to Sentry. Absent when Sentry is off. */
  captureErrorLog?: ErrorLogCapture;
}

function isError(value: unknown): value is Error {
  return (
    value instanceof Error ||
    (typeof value === 'object' &&
      value !== null &&
      typeof (value as Error).message === 'string' &&
      typeof (value as Error).stack === 'string')
  );
}

/**
 * pino writing JSON to stdout, every line inside a span carrying `trace_id`,
 * `span_id` and `trace_flags`, base fields `service`, `env` and `version`, secrets
 * redacted. An error-level line with an `err` goes to Sentry once, and the line gets
 * the Sentry event ID (`sentry_event_id`) so Loki links back to Sentry.
 */
export function createLogger(config: TracewireConfig, options: CreateLoggerOptions = {}): Logger {
  const capture = options.captureErrorLog;
  const loggerOptions: LoggerOptions = {
    level: config.logLevel,
    base: {
      pid: process.pid,
      service: config.serviceName,
      env: config.environment,
      ...(config.release ? { version: config.release } : {}),
    },
    formatters: {
      // Level names read better in Grafana and match Loki's `level` label conventions.
      level: (label) => ({ level: label }),
      log: createLogRedactor(options.redactKeys),
    },
    hooks: {
      // The trace fields are added to the finished line as text: a mixin would build
      // an object per line and pino would serialise its three IDs again each time.
      streamWrite: withTraceFields,
      ...(capture
        ? {
            logMethod(args, method, level) {
              if (level >= ERROR_LEVEL) {
                const first = args[0] as unknown;
                const error = isError(first)
                  ? first
                  : typeof first === 'object' && first !== null
                    ? [(first as { err?: unknown }).err, (first as { error?: unknown }).error].find(isError)
                    : undefined;
                if (error) {
                  const message = typeof args[1] === 'string' ? args[1] : undefined;
                  let eventId: string | undefined;
                  try {
                    eventId = capture(error, message);
                  } catch {
                    // Logging must never fail because error reporting did.
                  }
                  if (eventId) {
                    const fields = isError(first) ? { err: first } : (first as object);
                    return method.apply(this, [
                      { ...fields, sentry_event_id: eventId },
                      ...(args.slice(1) as []),
                    ] as unknown as Parameters<typeof method>);
                  }
                }
              }
              return method.apply(this, args);
            },
          }
        : {}),
    },
  };
  const logger = options.destination ? pino(loggerOptions, options.destination) : pino(loggerOptions);
  // pino's default destination and `pino.destination()` are sonic-boom, whose `write`
  // copies every pending line again for each new one under load (sonic-boom-write.ts);
  // a destination that copies lines to the OTLP log export writes to `primary`.
  const stream = (logger as unknown as Record<symbol, { primary?: unknown } | undefined>)[
    pino.symbols.streamSym
  ];
  replaceSonicBoomWrite(stream?.primary ?? stream);
  return logger;
}
