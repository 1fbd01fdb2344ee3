// The parent's side of the sink process (bench/sink-server.mjs).
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTracked, stopChild, waitForExit } from './children.mjs';

const sinkServerFile = fileURLToPath(new URL('../sink-server.mjs', import.meta.url));

/**
 * Starts the sink in its own process. Resolves to `{ origin, sentryDsn, stats(), stop() }`;
 * `stats()` returns the per-kind `{ requests, bytes }` counters since the sink started.
 */
export async function startSink({ receiver = 'discard' } = {}) {
  const child = spawnTracked(process.execPath, [sinkServerFile], {
    cwd: path.dirname(sinkServerFile),
    env: { ...process.env, BENCH_SINK: receiver },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const replies = [];
  child.on('message', (message) => {
    if (message?.type === 'stats') replies.shift()?.(message.stats);
  });
  const port = await new Promise((resolve, reject) => {
    child.on('message', (message) => {
      if (message?.type === 'listening') resolve(message.port);
    });
    child.once('exit', (code) => reject(new Error(`sink exited with code ${code} before listening`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    // The key is never checked; the project id becomes the `/api/1/...` path segment.
    sentryDsn: `http://publickey@127.0.0.1:${port}/1`,
    stats: () =>
      new Promise((resolve) => {
        replies.push(resolve);
        child.send({ type: 'stats' });
      }),
    stop: async () => {
      if (child.connected) child.send({ type: 'stop' });
      if (!(await waitForExit(child, 3_000))) await stopChild(child, 1_000);
    },
  };
}

/** `after - before` for two `stats()` snapshots, keeping only kinds that saw traffic. */
export function diffSinkStats(before, after) {
  const delta = {};
  for (const [kind, counter] of Object.entries(after ?? {})) {
    const requests = counter.requests - (before?.[kind]?.requests ?? 0);
    const bytes = counter.bytes - (before?.[kind]?.bytes ?? 0);
    if (requests > 0) delta[kind] = { requests, bytes };
  }
  return delta;
}
