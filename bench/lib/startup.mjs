// Cold start: from spawning `node` to the first request served with 200, for each variant
// kind in STARTUP_KINDS. Runs are interleaved like the throughput rounds; the report uses
// the median and the overhead over bare.
import path from 'node:path';
import { removeLogFile } from './log-file.mjs';
import { startServer } from './server.mjs';
import { median } from './stats.mjs';

export const STARTUP_KINDS = ['bare', 'tracewire', 'tracewire-logs', 'otel-auto', 'sentry'];

export async function runStartup(variants, { sink, logDir, settings }, log) {
  // Copies (`--against`: kind@name, `--with-env`: kind+name) are measured with the kind they copy.
  const selected = variants.filter((variant) => STARTUP_KINDS.includes(variant.kind.split(/[@+]/)[0]));
  const samples = new Map(selected.map((variant) => [variant.id, { ms: [], failure: undefined }]));
  for (let run = 1; run <= settings.startupRuns; run++) {
    for (const variant of selected) {
      const sample = samples.get(variant.id);
      if (!variant.availability.available || sample.failure) continue;
      const logFile = path.join(logDir, `${variant.id}-startup-${run}.log`);
      try {
        const server = await startServer(variant, variant.env(sink), logFile);
        sample.ms.push(server.startupMs);
        await server.stop();
        log(`startup ${run}/${settings.startupRuns} ${variant.id}: ${Math.round(server.startupMs)} ms`);
      } catch (error) {
        sample.failure = error.message;
        log(`startup ${run}/${settings.startupRuns} ${variant.id}: FAILED ${error.message.split('\n')[0]}`);
      } finally {
        await removeLogFile(logFile);
      }
    }
  }

  const rows = selected.map((variant) => {
    const { ms, failure } = samples.get(variant.id);
    if (!variant.availability.available) {
      return {
        id: variant.id,
        framework: variant.framework,
        kind: variant.kind,
        label: variant.label,
        status: 'pending',
        reason: variant.availability.reason,
      };
    }
    return {
      id: variant.id,
      framework: variant.framework,
      kind: variant.kind,
      label: variant.label,
      status: failure ? 'failed' : 'ok',
      reason: failure,
      medianMs: median(ms),
      minMs: ms.length ? Math.min(...ms) : null,
      maxMs: ms.length ? Math.max(...ms) : null,
      samplesMs: ms,
    };
  });
  for (const row of rows) {
    const bare = rows.find((other) => other.framework === row.framework && other.kind === 'bare');
    row.overheadMs = row.status === 'ok' && bare?.status === 'ok' ? row.medianMs - bare.medianMs : null;
  }
  return rows;
}
