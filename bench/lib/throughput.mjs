// Throughput and latency: every variant under the same autocannon load, interleaved round
// by round (A B C, A B C, ...) so that drift on the machine (thermal, other load) spreads
// over all variants instead of penalising whichever ran last. Each round starts a fresh
// server process, so rounds are independent samples; the report uses their median.
import path from 'node:path';
import { drive } from './driver.mjs';
import { countLines, removeLogFile } from './log-file.mjs';
import { startServer } from './server.mjs';
import { diffSinkStats } from './sink.mjs';
import { median, ratio } from './stats.mjs';

/** Path params the driver cycles through. */
export const REQUEST_IDS = ['1', '42', '1337', 'alice', 'f3a9c2'];

/** With `--profile`, the server writes a V8 CPU profile per round when it exits. */
function withProfiler(variant, round, profileDir) {
  if (!profileDir) return variant;
  const profilerArgs = [
    '--cpu-prof',
    `--cpu-prof-dir=${profileDir}`,
    `--cpu-prof-name=${variant.id}-${round}.cpuprofile`,
  ];
  return { ...variant, nodeArgs: [...profilerArgs, ...variant.nodeArgs] };
}

async function runOnce(variant, round, { sink, logDir, settings }) {
  const logFile = path.join(logDir, `${variant.id}-throughput-${round}.log`);
  const before = await sink.stats();
  let server;
  try {
    server = await startServer(withProfiler(variant, round, settings.profileDir), variant.env(sink), logFile);
    const cpuBefore = server.cpuSeconds();
    const load = await drive({
      origin: server.origin,
      ids: REQUEST_IDS,
      connections: settings.connections,
      pipelining: 1,
      warmupSeconds: settings.warmupSeconds,
      durationSeconds: settings.durationSeconds,
    });
    // Read before stopping: the memory the server holds under load, not while exiting.
    const rssMb = server.rssMb();
    const cpuAfter = server.cpuSeconds();
    // Server CPU per request over warmup and measured load. Unlike req/s it does not
    // depend on whether the server or autocannon is the bottleneck on a small machine.
    const driven = load.requests2xx + (load.warmup?.requests2xx ?? 0);
    const cpuMicrosPerRequest =
      cpuBefore !== null && cpuAfter !== null && driven > 0 ? ((cpuAfter - cpuBefore) * 1e6) / driven : null;
    const crashed = server.exited();
    await server.stop();
    const failedRequests = load.errors + load.timeouts + load.non2xx;
    const after = await sink.stats();
    // Every 2xx response (warmup, measured and the startup probe) should have one line.
    const requestsServed = load.requests2xx + (load.warmup?.requests2xx ?? 0) + 1;
    const logLines = await countLines(logFile);
    return {
      round,
      ...load,
      rssMb,
      cpuMicrosPerRequest,
      startupMs: server.startupMs,
      crashed,
      // What the server printed, when something went wrong: the report's only clue.
      serverOutputTail: crashed || failedRequests > 0 ? server.output().slice(-2_000) : undefined,
      requestsServed,
      logLines,
      export: diffSinkStats(before, after),
    };
  } catch (error) {
    await server?.stop();
    return { round, failure: error.message };
  } finally {
    await removeLogFile(logFile);
  }
}

function totalExport(rounds) {
  const total = {};
  for (const round of rounds) {
    for (const [kind, { requests, bytes }] of Object.entries(round.export ?? {})) {
      total[kind] ??= { requests: 0, bytes: 0 };
      total[kind].requests += requests;
      total[kind].bytes += bytes;
    }
  }
  return total;
}

function summarise(entry) {
  const { variant, rounds } = entry;
  const measured = rounds.filter((round) => !round.failure);
  const failure = rounds.find((round) => round.failure)?.failure;
  const errors = measured.reduce((sum, round) => sum + round.errors + round.timeouts + round.non2xx, 0);
  const exportTotal = totalExport(measured);
  const requestsServed = measured.reduce((sum, round) => sum + round.requestsServed, 0);
  const exportBytes = Object.values(exportTotal).reduce((sum, { bytes }) => sum + bytes, 0);
  const exportRequests = Object.values(exportTotal).reduce((sum, { requests }) => sum + requests, 0);
  const warnings = [];
  if (variant.exports && measured.length > 0 && exportRequests === 0) {
    warnings.push('sent no telemetry to the sink: its numbers do not include export cost');
  }
  if (exportTotal.rejected) {
    warnings.push(`sent ${exportTotal.rejected.requests} request(s) the sink could not decode or refused`);
  }
  if (exportTotal.unknown) {
    warnings.push(`sent ${exportTotal.unknown.requests} request(s) to paths the sink does not accept`);
  }
  if (measured.some((round) => round.logLines < round.requestsServed * 0.99)) {
    warnings.push('wrote fewer log lines than it served requests');
  }
  const logLinesPerRequest = median(measured.map((round) => round.logLines / round.requestsServed));
  const crash = measured.find((round) => round.crashed);
  if (crash) {
    const lastLine = crash.serverOutputTail?.trim().split('\n').at(-1);
    warnings.push(
      `server process exited during round ${crash.round}${lastLine ? ` (last output: ${lastLine})` : ''}`,
    );
  }

  let status = 'ok';
  if (failure) status = 'failed';
  else if (errors > 0) status = 'errors';
  return {
    id: variant.id,
    framework: variant.framework,
    kind: variant.kind,
    label: variant.label,
    status,
    reason: failure ?? (errors > 0 ? `${errors} failed requests (errors, timeouts or non-2xx)` : undefined),
    warnings,
    reqPerSec: median(measured.map((round) => round.reqPerSec)),
    reqPerSecMin: measured.length ? Math.min(...measured.map((round) => round.reqPerSec)) : null,
    reqPerSecMax: measured.length ? Math.max(...measured.map((round) => round.reqPerSec)) : null,
    latencyP50Ms: median(measured.map((round) => round.latencyP50Ms)),
    latencyP99Ms: median(measured.map((round) => round.latencyP99Ms)),
    rssMb: median(measured.map((round) => round.rssMb)),
    cpuMicrosPerRequest: median(measured.map((round) => round.cpuMicrosPerRequest)),
    errors,
    // The handlers log once; more means the instrumentation adds lines (an access log).
    logLinesPerRequest,
    export: exportTotal,
    // Telemetry sent per request served: comparable across variants that ran at different rates.
    exportBytesPerRequest: requestsServed > 0 ? exportBytes / requestsServed : null,
    rounds,
  };
}

/**
 * Runs the throughput rounds. `variants` are all selected variants with their
 * availability; unavailable ones are reported as pending without being started.
 */
export async function runThroughput(variants, context, log) {
  const { settings } = context;
  const entries = variants.map((variant) => ({ variant, rounds: [] }));
  const runnable = entries.filter(({ variant }) => variant.availability.available);
  for (let round = 1; round <= settings.rounds; round++) {
    for (const entry of runnable) {
      const result = await runOnce(entry.variant, round, context);
      entry.rounds.push(result);
      log(
        result.failure
          ? `throughput ${round}/${settings.rounds} ${entry.variant.id}: FAILED ${result.failure.split('\n')[0]}`
          : `throughput ${round}/${settings.rounds} ${entry.variant.id}: ${Math.round(result.reqPerSec)} req/s, ` +
              `p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms, RSS ${Math.round(result.rssMb)} MB` +
              (result.cpuMicrosPerRequest !== null
                ? `, ${Math.round(result.cpuMicrosPerRequest)} µs CPU/request`
                : '') +
              (result.errors + result.timeouts + result.non2xx > 0
                ? `, ${result.errors} errors ${result.timeouts} timeouts ${result.non2xx} non-2xx`
                : ''),
      );
    }
  }

  const rows = entries.map((entry) =>
    entry.variant.availability.available
      ? summarise(entry)
      : {
          id: entry.variant.id,
          framework: entry.variant.framework,
          kind: entry.variant.kind,
          label: entry.variant.label,
          status: 'pending',
          reason: entry.variant.availability.reason,
          warnings: [],
        },
  );
  for (const row of rows) {
    const bare = rows.find((other) => other.framework === row.framework && other.kind === 'bare');
    row.ratioToBare =
      row.status === 'ok' && bare?.status === 'ok' ? ratio(row.reqPerSec, bare.reqPerSec) : null;
    row.cpuRatioToBare =
      row.status === 'ok' && bare?.status === 'ok'
        ? ratio(row.cpuMicrosPerRequest, bare.cpuMicrosPerRequest)
        : null;
  }
  return rows;
}
