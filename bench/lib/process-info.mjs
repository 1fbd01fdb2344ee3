// Resident memory of another process, read the way `ps` does.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** RSS of `pid` in MiB, or null when it cannot be read (process gone, no /proc, no ps). */
export function readRssMb(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    if (match) return Number(match[1]) / 1024;
  } catch {
    // Not Linux, or the process is gone: fall back to ps below.
  }
  try {
    const kilobytes = Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim(),
    );
    return Number.isFinite(kilobytes) && kilobytes > 0 ? kilobytes / 1024 : null;
  } catch {
    return null;
  }
}

// Clock ticks per second of /proc/<pid>/stat's CPU times: 100 on every mainstream Linux build.
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (user + system) `pid` has used so far, in seconds, or null when it cannot be
 * read (not Linux, process gone).
 */
export function readCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? ticks / CLOCK_TICKS_PER_SECOND : null;
  } catch {
    return null;
  }
}
