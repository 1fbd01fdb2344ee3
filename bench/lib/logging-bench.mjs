// The parent's side of bench/logging.mjs: plain pino against tracewire's logger inside an
// active span, each in its own process, interleaved over rounds.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { captureOutput, spawnTracked, waitForExit } from './children.mjs';
import { removeLogFile } from './log-file.mjs';
import { benchProcessEnv } from './server.mjs';
import { median, ratio } from './stats.mjs';

const benchDir = fileURLToPath(new URL('..', import.meta.url));

/** Requirements of the tracewire logger run, checked like a variant's. */
export const LOGGING_TRACEWIRE_PROBE = {
  id: 'logging-tracewire',
  requires: [{ module: '@tracewire/core', exports: ['initObservability'] }],
};

export const LOGGING_MODES = [
  { mode: 'plain', label: 'plain pino', env: () => ({}) },
  {
    mode: 'tracewire',
    label: 'tracewire logger in an active span',
    // Same pipelines as the tracewire full variant: the logger's cost includes whatever
    // tracewire does per line with them enabled.
    env: (sink) => ({
      SENTRY_DSN: sink.sentryDsn,
      OTEL_EXPORTER_OTLP_ENDPOINT: sink.origin,
      OTEL_SERVICE_NAME: 'tracewire-bench',
      SENTRY_RELEASE: 'tracewire-bench@0.0.0',
      SENTRY_TRACE_SAMPLE_RATE: '1',
      TRACEWIRE_METRICS: 'otlp',
      LOG_LEVEL: 'info',
    }),
  },
];

async function runOnce(mode, lines, env, logFile) {
  const child = spawnTracked(
    process.execPath,
    [path.join(benchDir, 'logging.mjs'), JSON.stringify({ mode, lines })],
    {
      cwd: benchDir,
      env: benchProcessEnv(env, logFile),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const output = captureOutput(child, 20_000);
  let stdout = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  const { code, signal } = await waitForExit(child);
  const lastLine = stdout.trim().split('\n').at(-1);
  if (code !== 0 || !lastLine)
    throw new Error(`logging bench (${mode}) failed (${signal ?? `code ${code}`}):\n${output.text()}`);
  return JSON.parse(lastLine);
}

export async function runLogging(tracewireAvailability, { sink, logDir, settings }, log) {
  const results = LOGGING_MODES.map((mode) => ({
    ...mode,
    availability: mode.mode === 'tracewire' ? tracewireAvailability : { available: true },
    samples: [],
    bytesPerLine: [],
    traceFields: [],
    failure: undefined,
  }));
  for (let round = 1; round <= settings.loggingRounds; round++) {
    for (const result of results) {
      if (!result.availability.available || result.failure) continue;
      const logFile = path.join(logDir, `logging-${result.mode}-${round}.log`);
      try {
        const sample = await runOnce(result.mode, settings.loggingLines, result.env(sink), logFile);
        result.samples.push(sample.linesPerSec);
        result.traceFields.push(sample.traceFields);
        result.bytesPerLine.push(sample.bytesPerLine);
        log(
          `logging ${round}/${settings.loggingRounds} ${result.mode}: ${Math.round(sample.linesPerSec)} lines/s`,
        );
      } catch (error) {
        result.failure = error.message;
        log(
          `logging ${round}/${settings.loggingRounds} ${result.mode}: FAILED ${error.message.split('\n')[0]}`,
        );
      } finally {
        await removeLogFile(logFile);
      }
    }
  }
  const rows = results.map((result) => {
    const base = { mode: result.mode, label: result.label };
    if (!result.availability.available)
      return { ...base, status: 'pending', reason: result.availability.reason };
    if (result.failure) return { ...base, status: 'failed', reason: result.failure };
    return {
      ...base,
      status: 'ok',
      linesPerSec: median(result.samples),
      samples: result.samples,
      bytesPerLine: median(result.bytesPerLine),
      traceFields: result.traceFields.every(Boolean),
    };
  });
  const plain = rows.find((row) => row.mode === 'plain');
  for (const row of rows) {
    row.ratioToPlain =
      row.status === 'ok' && plain.status === 'ok' ? ratio(row.linesPerSec, plain.linesPerSec) : null;
  }
  return { lines: settings.loggingLines, rounds: settings.loggingRounds, rows };
}
