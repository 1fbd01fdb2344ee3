import type { OtlpProtocol } from '../config/types.ts';

/** Everything the log worker needs, as plain data (a worker gets no objects, only copies). */
export interface LogWorkerData {
  url: string;
  headers: Record<string, string>;
  protocol: OtlpProtocol;
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduleDelayMs: number;
  exportTimeoutMs: number;
  /** The same resource attributes spans carry, already detected on the main thread. */
  resource: Record<string, string | number | boolean | (string | number | boolean)[]>;
  /** tracewire's version, the instrumentation scope version of every record. */
  version: string;
}

/**
 * What the main thread sends: a string is one or more complete log lines (pino's JSON,
 * newline-terminated); an object asks for a flush or the final shutdown.
 */
export type LogWorkerRequest = { type: 'flush'; id: number } | { type: 'shutdown'; id: number };

/** What the worker answers: each batch's outcome, and the end of a flush or shutdown. */
export type LogWorkerReply =
  | { type: 'settled'; delivered: number; failed: number; reason: string | undefined }
  | { type: 'flushed'; id: number }
  | { type: 'closed'; id: number };
