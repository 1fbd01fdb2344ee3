// Every process the harness starts goes through here, so that all of them can be killed
// when the harness stops for any reason: normal exit, an exception, or Ctrl-C.
import { spawn } from 'node:child_process';

const running = new Set();

/** `child_process.spawn`, remembered until the child exits. */
export function spawnTracked(command, args, options) {
  const child = spawn(command, args, options);
  running.add(child);
  child.once('exit', () => running.delete(child));
  // A failed spawn emits 'error' and never 'exit'; without a listener it would throw.
  child.once('error', () => running.delete(child));
  return child;
}

function killAll(signal) {
  for (const child of running) {
    try {
      child.kill(signal);
    } catch {
      // Already gone.
    }
  }
}

/** Kills every tracked child when this process exits or is interrupted. */
export function installChildCleanup() {
  process.once('exit', () => killAll('SIGKILL'));
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.once(signal, () => {
      console.error(`\nbench: ${signal}, stopping ${running.size} child process(es)`);
      killAll('SIGKILL');
      process.exit(130);
    });
  }
}

/** Keeps the last `maxChars` of a child's stdout and stderr for error messages. */
export function captureOutput(child, maxChars = 6_000) {
  let text = '';
  const append = (chunk) => {
    text = (text + chunk).slice(-maxChars);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  return { text: () => text };
}

/** Resolves with `{ code, signal }` when the child exits, or `null` after `timeoutMs`. */
export function waitForExit(child, timeoutMs = Number.POSITIVE_INFINITY) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => {
    const timer = Number.isFinite(timeoutMs) ? setTimeout(() => resolve(null), timeoutMs) : undefined;
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** SIGTERM, then SIGKILL if the child has not exited after `graceMs`. */
export async function stopChild(child, graceMs = 8_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  if (await waitForExit(child, graceMs)) return;
  child.kill('SIGKILL');
  await waitForExit(child);
}

/**
 * Resolves with the first match of `pattern` in the child's stdout. Rejects if the child
 * exits first or nothing matches within `timeoutMs`.
 */
export function waitForStdout(child, pattern, timeoutMs) {
  return new Promise((resolve, reject) => {
    let seen = '';
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
    };
    const onData = (chunk) => {
      seen += chunk;
      const match = pattern.exec(seen);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const onExit = (code, signal) => {
      cleanup();
      reject(new Error(`exited (${signal ?? `code ${code}`}) before printing ${pattern}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`printed no ${pattern} within ${timeoutMs} ms`));
    }, timeoutMs);
    child.stdout.on('data', onData);
    child.once('exit', onExit);
  });
}
