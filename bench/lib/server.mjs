// Starts one variant's server process and measures its cold start on the way.
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureOutput, spawnTracked, stopChild, waitForStdout } from './children.mjs';
import { readCpuSeconds, readRssMb } from './process-info.mjs';

const benchDir = fileURLToPath(new URL('..', import.meta.url));

// Inherited settings that would change what a variant does (an SDK picking up a real DSN
// or endpoint from the developer's shell, extra preloads) are dropped; the variant's own
// env is the only source of them.
const INHERITED_ENV_BLOCKLIST = /^(OTEL_|SENTRY_|TRACEWIRE_|NODE_OPTIONS$|LOG_LEVEL$)/;

/** The environment of a process the harness measures: the harness's own, cleaned, plus the variant's. */
export function benchProcessEnv(variantEnv, logFile) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!INHERITED_ENV_BLOCKLIST.test(key)) env[key] = value;
  }
  return { ...env, NODE_ENV: 'production', BENCH_LOG_FILE: logFile, ...variantEnv };
}

/** One GET on a fresh connection; resolves with the status code. */
function getStatus(url) {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('error', reject);
    request.setTimeout(5_000, () => request.destroy(new Error('timed out')));
  });
}

/**
 * Spawns the variant's server and waits until it has answered a first request with 200.
 * `startupMs` runs from just before spawn to that response: the cold start a user sees.
 *
 * @param variant an entry of variants/registry.mjs
 * @param env the variant's environment (already resolved against the sink)
 * @param logFile where the server's request log goes
 * @param options.wrapper a command that runs node (`['valgrind', '--tool=callgrind']`), or none
 */
export async function startServer(variant, env, logFile, { timeoutMs = 30_000, wrapper = [] } = {}) {
  const startedAt = performance.now();
  // A variant copied from another checkout (`--against`) runs that checkout's server file
  // from its own bench folder, so it resolves that checkout's built packages.
  const variantBenchDir = variant.benchDir ?? benchDir;
  const serverArgs = [...variant.nodeArgs, path.join(variantBenchDir, 'variants', variant.server)];
  // A wrapper (`valgrind --tool=callgrind …`) runs node as its last argument.
  const [command, ...args] = [...wrapper, process.execPath, ...serverArgs];
  const child = spawnTracked(command, args, {
    cwd: variantBenchDir,
    env: benchProcessEnv(env, logFile),
    // stdin stays open as the server's "parent is alive" signal (see variants/common.mjs).
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = captureOutput(child);
  const fail = async (reason) => {
    await stopChild(child, 1_000);
    const tail = output.text().trim();
    throw new Error(`${variant.id}: ${reason}${tail ? `\n--- server output ---\n${tail}` : ''}`);
  };

  let port;
  try {
    [, port] = await waitForStdout(child, /BENCH_LISTENING (\d+)/, timeoutMs);
  } catch (error) {
    return fail(error.message);
  }
  const origin = `http://127.0.0.1:${port}`;
  // A tight loop on purpose: this is the measurement of when the first request is served.
  let status;
  let lastError;
  while (performance.now() - startedAt < timeoutMs) {
    try {
      status = await getStatus(`${origin}/hello/startup`);
      if (status === 200) break;
    } catch (error) {
      lastError = error;
    }
    if (child.exitCode !== null || child.signalCode !== null) break;
  }
  if (status !== 200) return fail(`first request failed (status ${status ?? lastError?.message})`);
  const startupMs = performance.now() - startedAt;

  return {
    pid: child.pid,
    origin,
    startupMs,
    rssMb: () => readRssMb(child.pid),
    cpuSeconds: () => readCpuSeconds(child.pid),
    output: () => output.text(),
    exited: () => child.exitCode !== null || child.signalCode !== null,
    stop: () => stopChild(child),
  };
}
