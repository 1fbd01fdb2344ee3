// The benchmark harness end to end in its quick mode (`pnpm bench --quick`), in a child
// process as CI runs it. It proves that every registered variant is started, driven and
// reported, or listed as pending with the reason. Nothing here asserts a timing: a quick
// run's numbers mean nothing.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS, VARIANTS } from '../variants/registry.mjs';

const benchDir = fileURLToPath(new URL('..', import.meta.url));
const outDir = mkdtempSync(path.join(os.tmpdir(), 'tracewire-bench-quick-'));

interface Row {
  id?: string;
  framework?: string;
  kind?: string;
  mode?: string;
  status: 'ok' | 'pending' | 'failed' | 'errors';
  reason?: string;
  warnings?: string[];
  reqPerSec?: number;
  cpuMicrosPerRequest?: number | null;
  errors?: number;
  export?: Record<string, { requests: number; bytes: number }>;
  medianMs?: number;
  rssAfterMb?: number;
  linesPerSec?: number;
  logLinesPerRequest?: number;
}

interface Report {
  mode: string;
  machine: { node: string; cpuModel: string; cores: number };
  throughput: Row[];
  startup: Row[];
  memory: Row[];
  logging: { rows: Row[] };
  targets: { status: string }[];
}

let run: { code: number | null; output: string };
let report: Report;
let markdown: string;

beforeAll(async () => {
  run = await new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(benchDir, 'run.mjs'), '--quick', '--out-dir', outDir], {
      cwd: benchDir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    // The harness kills its own children when it gets SIGTERM.
    const timer = setTimeout(() => child.kill('SIGTERM'), 110_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
  report = JSON.parse(readFileSync(path.join(outDir, 'quick.json'), 'utf8')) as Report;
  markdown = readFileSync(path.join(outDir, 'quick.md'), 'utf8');
}, 120_000);

afterAll(() => {
  rmSync(outDir, { recursive: true, force: true });
});

/** A measured row has run cleanly; anything else must be pending with a reason. */
function expectRanOrPending(row: Row, measured: (row: Row) => void): void {
  if (row.status === 'pending') {
    expect(row.reason, `${row.id ?? row.mode} is pending without a reason`).toMatch(/\S/);
    return;
  }
  expect(row.status, `${row.id ?? row.mode}: ${row.reason}`).toBe('ok');
  measured(row);
}

describe('pnpm bench --quick', () => {
  it('exits cleanly and writes the quick report', () => {
    expect(run.code, run.output).toBe(0);
    expect(report.mode).toBe('quick');
    expect(report.machine.node).toBe(process.version);
    expect(markdown).toContain('# tracewire benchmark (quick run)');
  });

  it('lists every registered variant for all three frameworks', () => {
    expect(report.throughput.map((row) => row.id)).toEqual(VARIANTS.map((variant) => variant.id));
    expect(new Set(report.throughput.map((row) => row.framework))).toEqual(new Set(FRAMEWORKS));
    for (const variant of VARIANTS) {
      expect(markdown).toContain(`| ${variant.framework} | ${variant.label} |`);
    }
  });

  it('measures each variant without request errors, or marks it pending with a reason', () => {
    for (const row of report.throughput) {
      const variant = VARIANTS.find((candidate) => candidate.id === row.id)!;
      expectRanOrPending(row, () => {
        expect(row.reqPerSec, row.id).toBeGreaterThan(0);
        // Read from /proc: every server used some CPU for the requests it served.
        expect(row.cpuMicrosPerRequest, row.id).toBeGreaterThan(0);
        expect(row.errors, row.id).toBe(0);
        expect(row.warnings, row.id).toEqual([]);
        // A variant that exported nothing would look cheaper than it is.
        const exported = Object.values(row.export ?? {}).reduce((sum, counter) => sum + counter.requests, 0);
        if (variant.exports) expect(exported, `${row.id} sent nothing to the sink`).toBeGreaterThan(0);
        else expect(exported, `${row.id} should send no telemetry`).toBe(0);
      });
    }
  });

  it('exports log records over OTLP from tracewire-logs only, the log file from every variant', () => {
    for (const row of report.throughput) {
      if (row.status !== 'ok' || !row.kind?.startsWith('tracewire')) continue;
      const logRecords = row.export?.['otlp-logs']?.requests ?? 0;
      if (row.kind === 'tracewire-logs') expect(logRecords, row.id).toBeGreaterThan(0);
      else expect(logRecords, row.id).toBe(0);
      expect(row.logLinesPerRequest, row.id).toBeGreaterThan(0.99);
    }
  });

  it('runs the startup, memory and logging sections', () => {
    expect(report.startup.length).toBeGreaterThan(0);
    for (const row of report.startup) expectRanOrPending(row, () => expect(row.medianMs).toBeGreaterThan(0));
    expect(report.memory.length).toBeGreaterThan(0);
    for (const row of report.memory) expectRanOrPending(row, () => expect(row.rssAfterMb).toBeGreaterThan(0));
    expect(report.logging.rows.map((row) => row.mode)).toEqual(['plain', 'tracewire', 'tracewire-otlp']);
    for (const row of report.logging.rows)
      expectRanOrPending(row, () => expect(row.linesPerSec).toBeGreaterThan(0));
  });

  it('lists every target with a result', () => {
    expect(report.targets.length).toBeGreaterThan(0);
    for (const target of report.targets) {
      expect(['met', 'missed', 'measured', 'pending', 'not measured']).toContain(target.status);
    }
  });
});
