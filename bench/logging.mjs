// Logging micro-benchmark, one logger per process so the plain-pino baseline never runs
// with tracewire's instrumentation loaded. Usage: node logging.mjs '<json options>' with
// { mode: 'plain' | 'tracewire' | 'tracewire-otlp', lines }; BENCH_LOG_FILE names the
// output file. Prints one JSON line: { linesPerSec, lines, seconds, bytesPerLine,
// traceFields, mainThreadMicrosPerLine, logRecords }. mainThreadMicrosPerLine is this
// thread's CPU time (process.threadCpuUsage), so work done in tracewire's log export
// worker thread is not counted, while handing it the lines is.
import { readFileSync } from 'node:fs';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import pino from 'pino';
import { benchLogFile } from './variants/common.mjs';

const { mode, lines } = JSON.parse(process.argv[2]);
// Lines are written in batches with a yield in between, as a server's request handlers
// would, so that work a logger defers (microtasks, timers) is timed too.
const BATCH = 1_000;

// A synchronous file destination, for both loggers: every line is on disk when the timed
// loop ends. With pino's asynchronous default, `logger.flush()` returns at once
// (SonicBoom with minLength 0), so lines still buffered would escape the timing and the
// file check below could read a file that is not complete yet.
const destination = pino.destination({ dest: benchLogFile(), sync: true });

let logger;
let withinSpan = (fn) => fn();
let shutdown = async () => {};
let logRecords = () => undefined;
if (mode === 'plain') {
  // The same fields as a tracewire line (base fields, level label, the trace IDs as
  // bindings), so the comparison measures the logger's overhead, not the extra fields.
  logger = pino(
    {
      level: 'info',
      base: {
        pid: process.pid,
        service: 'tracewire-bench',
        env: 'production',
        version: 'tracewire-bench@0.0.0',
      },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  ).child({
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
    span_id: '00f067aa0ba902b7',
    trace_flags: '01',
  });
} else if (mode === 'tracewire' || mode === 'tracewire-otlp') {
  const { initTracewireForBench } = await import('./variants/tracewire-init.mjs');
  const handle = await initTracewireForBench({ logDestination: destination });
  logger = handle.logger;
  shutdown = async () => {
    // Untimed: whatever the worker still holds is delivered (or counted as dropped) first.
    await handle.flush(30_000);
    if (mode === 'tracewire-otlp') {
      const counts = handle.logRecords();
      logRecords = () => counts;
    }
    await handle.shutdown();
  };
  const { trace } = await import('@opentelemetry/api');
  const tracer = trace.getTracer('tracewire-bench');
  // The span that a request handler's log line would be inside of; it is what makes
  // tracewire add trace_id/span_id/trace_flags to every line.
  withinSpan = (fn) =>
    tracer.startActiveSpan('logging-bench', async (span) => {
      try {
        return await fn();
      } finally {
        span.end();
      }
    });
} else {
  throw new Error(`unknown mode ${mode}`);
}

async function writeLines(count, label) {
  for (let written = 0; written < count; written += BATCH) {
    const end = Math.min(count, written + BATCH);
    for (let i = written; i < end; i++) logger.info({ i, id: label }, 'hello');
    await yieldToEventLoop();
  }
}

// Untimed warmup so both loggers are measured with optimised code.
await withinSpan(() => writeLines(Math.max(1_000, Math.floor(lines / 10)), 'warmup'));
const cpuBefore = process.threadCpuUsage();
const started = performance.now();
await withinSpan(() => writeLines(lines, 'measured'));
const seconds = (performance.now() - started) / 1_000;
const cpu = process.threadCpuUsage(cpuBefore);
const mainThreadMicrosPerLine = (cpu.user + cpu.system) / lines;
await shutdown();

// A logger that silently dropped the trace fields would look cheaper than it is (and the
// plain baseline carries them too). The last
// measured line is checked (shutdown may log after it).
const writtenLines = readFileSync(benchLogFile(), 'utf8').trimEnd().split('\n');
const measuredLines = writtenLines.filter((line) => line.includes('"id":"measured"'));
const lastMeasured = measuredLines.at(-1);
// Loggers that add fields write longer lines; the report shows it next to lines/s.
const bytesPerLine =
  measuredLines.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0) / measuredLines.length;
const parsed = lastMeasured ? JSON.parse(lastMeasured) : {};
process.stdout.write(
  `${JSON.stringify({
    linesPerSec: lines / seconds,
    lines,
    seconds,
    bytesPerLine,
    traceFields: typeof parsed.trace_id === 'string' && typeof parsed.span_id === 'string',
    mainThreadMicrosPerLine,
    logRecords: logRecords(),
  })}\n`,
);
process.exit(0);
