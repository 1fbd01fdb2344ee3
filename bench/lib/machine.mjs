// What the numbers were measured on; ratios are only comparable within one run, and the
// absolute numbers only on the same machine.
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return null;
  }
}

/** The 1, 5 and 15 minute load averages, rounded. */
export function loadAverage() {
  return os.loadavg().map((value) => Math.round(value * 100) / 100);
}

/**
 * How many files under packages/ differ from the commit: the tracewire variants measure
 * whatever is built there, which is not necessarily what the commit holds.
 */
function uncommittedPackageFiles() {
  try {
    const status = execFileSync('git', ['status', '--porcelain', '--', 'packages'], {
      cwd: repoRoot,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return status.split('\n').filter(Boolean).length;
  } catch {
    return null;
  }
}

export function describeMachine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memoryGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAverage: loadAverage(),
    gitCommit: gitCommit(),
    uncommittedPackageFiles: uncommittedPackageFiles(),
  };
}
