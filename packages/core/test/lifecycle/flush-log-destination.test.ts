import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { flushLogDestination } from '../../src/logging/logging-pipeline.ts';

describe('flushLogDestination', () => {
  let directory: string | undefined;

  afterEach(() => {
    if (directory) fs.rmSync(directory, { recursive: true, force: true });
    directory = undefined;
  });

  it("has written every line of pino's asynchronous destination to the file when it resolves", async () => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-flush-'));
    const file = path.join(directory, 'app.log');
    const destination = pino.destination({ dest: file, sync: false });
    await new Promise((resolve) => destination.once('ready', resolve));
    const logger = pino(destination);
    const count = 20_000;
    for (let index = 0; index < count; index += 1) logger.info({ index }, 'buffered line');
    // Most of it is still in the destination's buffer here.
    expect(fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length).toBeLessThan(count);

    await expect(flushLogDestination(destination, Date.now() + 5000)).resolves.toBe(true);

    const lines = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
    expect(lines).toHaveLength(count);
    // In order: the write in flight was awaited before the rest was written.
    expect(lines.map((line) => (JSON.parse(line) as { index: number }).index)).toEqual(
      Array.from({ length: count }, (_, index) => index),
    );
    destination.end();
  });
});
