// `--against <checkout>[:name]`: the before/after A/B. The copies of the tracewire
// variants are served by the other checkout and measured in the same rounds. Here the
// "other checkout" is this one, which proves the wiring without a second build.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const benchDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = path.dirname(benchDir);
const outDir = mkdtempSync(path.join(os.tmpdir(), 'tracewire-bench-against-'));

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

const runBench = (args: string[]) =>
  spawnSync(process.execPath, [path.join(benchDir, 'run.mjs'), ...args], {
    cwd: benchDir,
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('pnpm bench --against', () => {
  it('measures a copy of each tracewire variant from the other checkout in the same section', () => {
    const run = runBench([
      '--quick',
      '--only',
      'express',
      '--variants',
      'tracewire',
      '--sections',
      'startup',
      '--against',
      `${repoRoot}:self`,
      '--out-dir',
      outDir,
      '--out',
      'against',
    ]);
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    const report = JSON.parse(readFileSync(path.join(outDir, 'against.json'), 'utf8')) as {
      startup: { id: string; status: string; medianMs?: number }[];
    };
    expect(report.startup.map((row) => row.id)).toEqual([
      'express-bare',
      'express-tracewire',
      'express-tracewire@self',
    ]);
    const copy = report.startup.find((row) => row.id === 'express-tracewire@self');
    expect(copy?.status).toBe('ok');
    expect(copy?.medianMs).toBeGreaterThan(0);
  });

  it('refuses a folder that is not a checkout of this repository', () => {
    const run = runBench(['--quick', '--sections', 'startup', '--against', outDir]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--against expects <checkout-dir>[:name] with bench/variants/ inside');
  });
});
