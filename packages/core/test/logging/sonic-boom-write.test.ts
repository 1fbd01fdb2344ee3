import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { createLogger } from '../../src/logging/create-logger.ts';
import { replaceSonicBoomWrite } from '../../src/logging/sonic-boom-write.ts';

function testConfig() {
  const result = loadConfig({ env: { OTEL_SERVICE_NAME: 'sonic-boom-test' } });
  if (!result.ok) throw new Error('test config invalid');
  return result.config;
}

/** What sonic-boom keeps between writes, as far as `write` decides it. */
interface SonicBoomState {
  _bufs: unknown[];
  _len: number;
  _writing: boolean;
  write(data: unknown): boolean;
  flushSync(): void;
  once(event: string, listener: () => void): unknown;
  on(event: string, listener: (value: unknown) => void): unknown;
  destroy(): void;
}

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

function tempFile(name: string): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'tracewire-sonic-boom-'));
  directories.push(directory);
  return path.join(directory, name);
}

/** A small deterministic generator, so a failure replays. */
function lines(seed: number, count: number, longest: number): string[] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const alphabet = ['a', 'b', '{', '"', ' ', 'é', '😀', 'ж', '\\'];
  return Array.from({ length: count }, (_, index) => {
    const length = 1 + Math.floor(next() ** 2 * longest);
    let text = `${index}:`;
    while (text.length < length) text += alphabet[Math.floor(next() * alphabet.length)];
    return `${text}\n`;
  });
}

function snapshot(stream: SonicBoomState) {
  return { bufs: stream._bufs.map((chunk) => String(chunk)), len: stream._len };
}

async function settle(stream: SonicBoomState): Promise<void> {
  if (stream._writing) await new Promise<void>((resolve) => stream.once('drain', resolve));
}

const settings = [
  { sync: false, minLength: 0, maxWrite: 1024, maxLength: 0 },
  { sync: false, minLength: 300, maxWrite: 2048, maxLength: 0 },
  { sync: true, minLength: 0, maxWrite: 1024, maxLength: 0 },
  { sync: true, minLength: 500, maxWrite: 1024, maxLength: 0 },
  { sync: false, minLength: 200, maxWrite: 16384, maxLength: 6000 },
];

describe('replaceSonicBoomWrite', () => {
  it.each(settings)(
    'writes the same chunks, return values, drops and file as sonic-boom itself (%o)',
    async (options) => {
      const originalFile = tempFile('original.log');
      const replacedFile = tempFile('replaced.log');
      const original = pino.destination({ dest: originalFile, ...options }) as unknown as SonicBoomState;
      const replaced = pino.destination({ dest: replacedFile, ...options }) as unknown as SonicBoomState;
      await Promise.all(
        [original, replaced].map((stream) => new Promise<void>((resolve) => stream.once('ready', resolve))),
      );
      const ownWrite = replaced.write;
      expect(replaceSonicBoomWrite(replaced)).toBe(true);
      expect(replaced.write).not.toBe(ownWrite);
      const drops: Record<string, unknown[]> = { original: [], replaced: [] };
      original.on('drop', (data) => drops.original?.push(data));
      replaced.on('drop', (data) => drops.replaced?.push(data));

      const all = lines(options.maxWrite + options.minLength, 1500, 700);
      // Bursts of lines within one turn of the event loop (so no write completes inside
      // a burst in either stream), then both streams settle.
      for (let start = 0, burst = 1; start < all.length; start += burst, burst = (burst * 7) % 61) {
        for (const line of all.slice(start, start + burst)) {
          expect(replaced.write(line)).toBe(original.write(line));
          expect(snapshot(replaced)).toEqual(snapshot(original));
        }
        await Promise.all([settle(original), settle(replaced)]);
      }
      original.flushSync();
      replaced.flushSync();
      expect(drops.replaced).toEqual(drops.original);
      expect(readFileSync(replacedFile, 'utf8')).toBe(readFileSync(originalFile, 'utf8'));
      if (options.maxLength === 0) expect(readFileSync(replacedFile, 'utf8')).toBe(all.join(''));
      original.destroy();
      replaced.destroy();
    },
  );

  it('keeps measuring a chunk it did not build (flushSync puts back a partly written one)', async () => {
    const file = tempFile('put-back.log');
    const stream = pino.destination({ dest: file, sync: false, maxWrite: 64 }) as unknown as SonicBoomState;
    await new Promise<void>((resolve) => stream.once('ready', resolve));
    replaceSonicBoomWrite(stream);
    // A chunk sonic-boom holds that this write never appended to, as flushSync's unshift
    // of a partly written buffer leaves it: 60 bytes, so the next 10-byte line needs a new chunk.
    stream._bufs.push(Buffer.from(`${'x'.repeat(59)}\n`));
    stream._len += 60;
    stream._writing = true; // nothing is written until the test lets it
    stream.write(`${'0123456789'.slice(0, 9)}\n`);
    expect(stream._bufs.map(String)).toEqual([`${'x'.repeat(59)}\n`, '012345678\n']);
    stream._writing = false;
    stream.flushSync();
    expect(readFileSync(file, 'utf8')).toBe(`${'x'.repeat(59)}\n012345678\n`);
    stream.destroy();
  });

  it('turns a non-string into text as sonic-boom does', () => {
    const written: string[] = [];
    for (const replace of [false, true]) {
      const file = tempFile(`coerced-${replace}.log`);
      const stream = pino.destination({ dest: file, sync: true }) as unknown as SonicBoomState;
      if (replace) replaceSonicBoomWrite(stream);
      stream.write({ valueOf: () => 'value\n', toString: () => 'text\n' });
      stream.write(42);
      stream.flushSync();
      written.push(readFileSync(file, 'utf8'));
      stream.destroy();
    }
    expect(written[1]).toBe(written[0]);
    expect(written[0]).toBe('value\n42');
  });

  it('leaves every other destination as it is', () => {
    const plain = { write: (_line: string) => true };
    const write = plain.write;
    expect(replaceSonicBoomWrite(plain)).toBe(false);
    expect(plain.write).toBe(write);
    expect(replaceSonicBoomWrite(undefined)).toBe(false);

    // A sonic-boom whose write the app replaced already is not sonic-boom's write.
    const destination = pino.destination({
      dest: tempFile('own.log'),
      sync: true,
    }) as unknown as SonicBoomState;
    const appWrite = function write(this: SonicBoomState, data: unknown) {
      return true || data;
    };
    destination.write = appWrite;
    expect(replaceSonicBoomWrite(destination)).toBe(false);
    expect(destination.write).toBe(appWrite);
    destination.destroy();
  });

  it("is installed on the logger's sonic-boom destination, which still gets every line in order", () => {
    const file = tempFile('logger.log');
    const destination = pino.destination({ dest: file, sync: true }) as unknown as SonicBoomState;
    const ownWrite = destination.write;
    const logger = createLogger(testConfig(), { destination: destination as never });
    expect(destination.write).not.toBe(ownWrite);
    for (let index = 0; index < 50; index += 1) logger.info({ index }, 'line');
    destination.flushSync();
    const written = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { index: number }).index);
    expect(written).toEqual(Array.from({ length: 50 }, (_, index) => index));
    destination.destroy();
  });
});
