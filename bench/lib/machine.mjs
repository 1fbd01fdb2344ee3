// What the numbers were measured on; ratios are only comparable within one run, and the
// absolute numbers only on the same machine.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
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

/**
 * A fingerprint of every built package (names, sizes and mtimes of the files under packages/<name>/dist).
 * The tracewire variants run whatever is built there; comparing the fingerprint at the
 * start and the end of a run shows whether a rebuild happened in between, which would
 * make the run's tracewire numbers a mix of two builds.
 */
export function packagesBuildFingerprint() {
  const hash = createHash('sha256');
  const packagesDir = path.join(repoRoot, 'packages');
  try {
    for (const name of readdirSync(packagesDir).sort()) {
      const distDir = path.join(packagesDir, name, 'dist');
      let files;
      try {
        files = readdirSync(distDir, { recursive: true }).sort();
      } catch {
        continue;
      }
      for (const file of files) {
        const stats = statSync(path.join(distDir, file));
        hash.update(`${name}/${file}:${stats.size}:${stats.mtimeMs}\n`);
      }
    }
  } catch {
    return null;
  }
  return hash.digest('hex').slice(0, 12);
}
