// Runs the built `tracewire doctor` as users run it, in a child process, while the test's
// own sink keeps answering (so the child is spawned asynchronously, never with spawnSync).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const builtCli = fileURLToPath(new URL('../../../dist/cli.mjs', import.meta.url));
export const isBuilt = fs.existsSync(builtCli);
const recorder = fileURLToPath(new URL('./fixtures/record-connections.mjs', import.meta.url));

export interface DoctorRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** With `recordConnections`: every `connect host:port` and `lookup host` the child made. */
  connections: string[];
}

export async function runDoctorBin(
  args: readonly string[],
  env: Record<string, string>,
  options: { cwd: string; recordConnections?: boolean },
): Promise<DoctorRun> {
  const logDir = options.recordConnections
    ? fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-connections-'))
    : undefined;
  const logFile = logDir ? path.join(logDir, 'connections.log') : undefined;
  const nodeArgs = logFile ? ['--import', recorder] : [];
  try {
    const child = spawn(process.execPath, [...nodeArgs, builtCli, 'doctor', ...args], {
      cwd: options.cwd,
      // Only PATH is inherited: the host's own SENTRY_/OTEL_ variables must not leak in.
      env: {
        PATH: process.env.PATH ?? '',
        ...env,
        ...(logFile ? { TRACEWIRE_TEST_CONNECTION_LOG: logFile } : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode) => resolve(exitCode));
    });
    const connections =
      logFile && fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').split('\n').filter(Boolean) : [];
    return { code, stdout, stderr, connections };
  } finally {
    if (logDir) fs.rmSync(logDir, { recursive: true, force: true });
  }
}

/** The report line of one check, e.g. `lineOf(stdout, 'otlp.traces.export')`. */
export function lineOf(stdout: string, check: string): string {
  const line = stdout.split('\n').find((candidate) => candidate.trimStart().split(/\s+/)[1] === check);
  if (line === undefined) throw new Error(`no ${check} line in:\n${stdout}`);
  return line.trim();
}
