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
    env: (sink) => ({ ...tracewireLoggingEnv(sink), OTEL_LOGS_EXPORTER: 'none' }),
  },
  {
    mode: 'tracewire-otlp',
    label: 'tracewire logger in an active span, OTLP log export on',
    // The same line as above, also exported as an OTLP log record from the worker thread.
    env: (sink) => ({ ...tracewireLoggingEnv(sink), OTEL_LOGS_EXPORTER: 'otlp' }),
  },
];

// Same pipelines as the tracewire full variant: the logger's cost includes whatever
// tracewire does per line with them enabled.
function tracewireLoggingEnv(sink) {
  return {
    SENTRY_DSN: sink.sentryDsn,
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.origin,
    OTEL_SERVICE_NAME: 'tracewire-bench',
    SENTRY_RELEASE: 'tracewire-bench@0.0.0',
    SENTRY_TRACE_SAMPLE_RATE: '1',
    TRACEWIRE_METRICS: 'otlp',
    LOG_LEVEL: 'info',
  };
}

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
    availability: mode.mode === 'plain' ? { available: true } : tracewireAvailability,
    samples: [],
    mainThreadMicros: [],
    logRecords: [],
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
        result.mainThreadMicros.push(sample.mainThreadMicrosPerLine);
        if (sample.logRecords) result.logRecords.push(sample.logRecords);
        log(
          `logging ${round}/${settings.loggingRounds} ${result.mode}: ${Math.round(sample.linesPerSec)} lines/s, ` +
            `${sample.mainThreadMicrosPerLine.toFixed(2)} µs main-thread CPU per line` +
            (sample.logRecords
              ? `, OTLP delivered ${sample.logRecords.delivered} / dropped ${sample.logRecords.dropped} of ${sample.logRecords.written}`
              : ''),
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
      mainThreadMicrosPerLine: median(result.mainThreadMicros),
      // The burst's outcome per run: what the receiver got and what was dropped, counted
      // by tracewire itself (written = delivered + dropped after the final flush).
      logRecords: result.logRecords.length > 0 ? result.logRecords : undefined,
    };
  });
  const plain = rows.find((row) => row.mode === 'plain');
  const withoutExport = rows.find((row) => row.mode === 'tracewire');
  for (const row of rows) {
    row.ratioToPlain =
      row.status === 'ok' && plain.status === 'ok' ? ratio(row.linesPerSec, plain.linesPerSec) : null;
    // Main-thread CPU per line relative to the same tracewire line without export: the
    // cost the OTLP log export adds to the application's thread.
    row.mainThreadRatioToNoExport =
      row.status === 'ok' && withoutExport?.status === 'ok'
        ? ratio(row.mainThreadMicrosPerLine, withoutExport.mainThreadMicrosPerLine)
        : null;
  }
  return { lines: settings.loggingLines, rounds: settings.loggingRounds, rows };
}
