import { Writable } from 'node:stream';

/** A pino destination that keeps parsed JSON lines in memory, for assertions. */
export function memoryDestination(): Writable & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) {
        if (line.trim()) lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return Object.assign(stream, { lines });
}
