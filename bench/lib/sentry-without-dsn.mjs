// The "no DSN, no Sentry SDK" target: runs bench/sentry-without-dsn.mjs in a child process
// (no DSN, no exporters, no metrics server) and reports how many Sentry modules it loaded.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchProcessEnv } from './server.mjs';

const benchDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

export async function runSentryWithoutDsn(availability, log) {
  if (!availability?.available) return { status: 'pending', reason: availability?.reason };
  const env = benchProcessEnv({ TRACEWIRE_METRICS: 'none', LOG_LEVEL: 'silent' }, '/dev/null');
  try {
    const stdout = await new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [path.join(benchDir, 'sentry-without-dsn.mjs')],
        { cwd: benchDir, env, timeout: 60_000 },
        (error, out) => (error ? reject(error) : resolve(out)),
      );
    });
    const result = JSON.parse(stdout.trim().split('\n').at(-1));
    log(
      `no DSN: ${result.sentryModules} Sentry module(s) of ${result.modules} loaded` +
        (result.sentryPackages.length ? ` (${result.sentryPackages.join(', ')})` : ''),
    );
    return { status: 'ok', ...result };
  } catch (error) {
    log(`no DSN: FAILED ${error.message.split('\n')[0]}`);
    return { status: 'failed', reason: error.message };
  }
}
