/**
 * Reports internal problems (exporter failures, unreachable backends, malformed
 * headers) to the application's log without flooding it: each distinct problem is
 * reported once per window, with how many times it recurred in between.
 */
import {
  formatTracewireMessage,
  type TracewireErrorCode,
  type TracewireErrorParams,
} from '../errors/catalogue.ts';

export interface ProblemReporter {
  /** Logs the catalogue message for `code`, at most once per window for the same problem. */
  report<C extends TracewireErrorCode>(code: C, params: TracewireErrorParams[C]): void;
}

export type ProblemSink = (level: 'warn' | 'error', fields: Record<string, unknown>, message: string) => void;

export function createRateLimitedReporter(
  sink: ProblemSink,
  scrub: (text: string) => string,
  windowMs = 60_000,
  now: () => number = Date.now,
): ProblemReporter {
  const lastReported = new Map<string, { at: number; suppressed: number }>();
  return {
    report(code, params) {
      let cleanMessage: string;
      try {
        cleanMessage = scrub(formatTracewireMessage(code, params));
      } catch {
        cleanMessage = code;
      }
      // Only the code and the start of the message form the key: messages often end in
      // request-specific detail that would defeat the limit.
      const key = `${code}:${cleanMessage.slice(0, 80)}`;
      const at = now();
      const previous = lastReported.get(key);
      if (previous && at - previous.at < windowMs) {
        previous.suppressed += 1;
        return;
      }
      const suppressed = previous?.suppressed ?? 0;
      lastReported.set(key, { at, suppressed: 0 });
      if (lastReported.size > 500) lastReported.delete(lastReported.keys().next().value as string);
      try {
        sink(
          'warn',
          { code, ...(suppressed > 0 ? { repeated: suppressed } : {}) },
          `${code}: ${cleanMessage}`,
        );
      } catch {
        // Reporting must never throw into the application.
      }
    },
  };
}
