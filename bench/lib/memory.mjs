// Memory: resident set size of a server after a fixed number of requests, against bare.
// A fixed request count (not a duration) makes every variant do the same work, so a
// slower variant is not flattered by having handled fewer requests. RSS depends on when
// the GC last ran, so runs are repeated (interleaved) and the median is reported.
import path from 'node:path';
import { drive } from './driver.mjs';
import { removeLogFile } from './log-file.mjs';
import { startServer } from './server.mjs';
import { median } from './stats.mjs';
import { REQUEST_IDS } from './throughput.mjs';

// The issue's memory target compares tracewire with bare; the other variants' RSS under
// load is in the throughput table, and driving them to the same request count would take
// minutes.
export const MEMORY_KINDS = ['bare', 'tracewire', 'tracewire-logs'];

async function measureOnce(variant, run, { sink, logDir, settings }) {
  const logFile = path.join(logDir, `${variant.id}-memory-${run}.log`);
  let server;
  try {
    server = await startServer(variant, variant.env(sink), logFile);
    const rssIdleMb = server.rssMb();
    const load = await drive({
      origin: server.origin,
      ids: REQUEST_IDS,
      connections: settings.connections,
      pipelining: 1,
      warmupSeconds: 0,
      amount: settings.memoryRequests,
    });
    const rssAfterMb = server.rssMb();
    await server.stop();
    return {
      rssIdleMb,
      rssAfterMb,
      requests: load.requests2xx,
      errors: load.errors + load.timeouts + load.non2xx,
    };
  } catch (error) {
    await server?.stop();
    return { failure: error.message };
  } finally {
    await removeLogFile(logFile);
  }
}

export async function runMemory(variants, context, log) {
  const { settings } = context;
  // Copies (`--against`: kind@name, `--with-env`: kind+name) are measured with the kind they copy.
  const selected = variants.filter((variant) => MEMORY_KINDS.includes(variant.kind.split(/[@+]/)[0]));
  const samples = new Map(selected.map((variant) => [variant.id, []]));
  for (let run = 1; run <= settings.memoryRounds; run++) {
    for (const variant of selected) {
      const runs = samples.get(variant.id);
      if (!variant.availability.available || runs.some((sample) => sample.failure)) continue;
      const sample = await measureOnce(variant, run, context);
      runs.push(sample);
      log(
        sample.failure
          ? `memory ${run}/${settings.memoryRounds} ${variant.id}: FAILED ${sample.failure.split('\n')[0]}`
          : `memory ${run}/${settings.memoryRounds} ${variant.id}: ${Math.round(sample.rssIdleMb)} MB idle, ` +
              `${Math.round(sample.rssAfterMb)} MB after ${sample.requests} requests`,
      );
    }
  }

  const rows = selected.map((variant) => {
    const base = { id: variant.id, framework: variant.framework, kind: variant.kind, label: variant.label };
    if (!variant.availability.available)
      return { ...base, status: 'pending', reason: variant.availability.reason };
    const runs = samples.get(variant.id);
    const failure = runs.find((sample) => sample.failure)?.failure;
    if (failure) return { ...base, status: 'failed', reason: failure };
    const errors = runs.reduce((sum, sample) => sum + sample.errors, 0);
    return {
      ...base,
      status: errors > 0 ? 'errors' : 'ok',
      reason: errors > 0 ? `${errors} failed requests` : undefined,
      rssIdleMb: median(runs.map((sample) => sample.rssIdleMb)),
      rssAfterMb: median(runs.map((sample) => sample.rssAfterMb)),
      samples: runs,
    };
  });
  for (const row of rows) {
    const bare = rows.find((other) => other.framework === row.framework && other.kind === 'bare');
    row.overheadMb = row.status === 'ok' && bare?.status === 'ok' ? row.rssAfterMb - bare.rssAfterMb : null;
  }
  return rows;
}
