import { Writable } from 'node:stream';

export interface ObservedDestination extends Writable {
  lines: Record<string, unknown>[];
  /** Resolves with the first line (already written or still to come) that matches. */
  waitFor(predicate: (line: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
}

/** A pino destination that keeps parsed JSON lines and lets a test await one. */
export function observedDestination(): ObservedDestination {
  const lines: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) {
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      for (const wake of waiters) wake();
      callback();
    },
  });
  const waitFor = (predicate: (line: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const check = () => {
        const found = lines.find(predicate);
        if (found) {
          waiters.delete(check);
          resolve(found);
        }
      };
      waiters.add(check);
      check();
    });
  return Object.assign(stream, { lines, waitFor });
}
