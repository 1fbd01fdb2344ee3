// The OTLP log export worker's CPU per line, for this checkout's build and, with
// --against, another checkout's: each run starts the built worker
// (packages/core/dist/otlp-log-worker.mjs) in a fresh process, feeds it realistic pino
// lines the way the main thread does (chunks of a batch, never more than the queue limit
// in flight) and waits until every line is settled, with the sink in a process of its own.
// The worker's CPU is the process's user+system time minus the main thread's
// (process.threadCpuUsage), so it includes parsing, encoding, batching and sending.
//
// Usage: node bench/log-export-worker.mjs [--lines 200000] [--runs 5] [--protocol http/protobuf]
//          [--against <checkout>[:label]] [--out <name>]
// Prints a table; --out also writes bench/results/<name>.json. With
// BENCH_WORKER_PROFILE=<file>, each measuring process writes the worker's CPU profile of
// the measured lines there (the last run's remains).
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnTracked, waitForExit, installChildCleanup, captureOutput } from './lib/children.mjs';
import { describeMachine, loadAverage } from './lib/machine.mjs';
import { startSink } from './lib/sink.mjs';
import { median, round } from './lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const thisCheckout = path.resolve(here, '..');

const MAX_QUEUE = 2048;
const BATCH = 512;
const WARMUP_LINES = 20_000;

// One line as the Express tracewire variant writes it (request logger, in a sampled span).
function lineAt(index, time) {
  const hex = (index * 2654435761).toString(16).padStart(8, '0').slice(-8);
  return `${JSON.stringify({
    level: 'info',
    time,
    pid: 6774,
    service: 'bench-express',
    env: 'production',
    version: 'bench@1.0.0',
    request_id: `c1f0a3e2-7d4b-4a57-9a3e-${hex}5f60`,
    trace_id: `8703443586746cb4b75b3d6c${hex}`,
    span_id: `c69f125b${hex}`,
    trace_flags: '01',
    id: String(index % 100),
    msg: 'hello',
  })}\n`;
}

const RESOURCE = {
  'service.name': 'bench-express',
  'service.version': 'bench@1.0.0',
  'deployment.environment.name': 'production',
  'service.instance.id': '5b1c9d0e-6c3f-4f7a-9e1d-0a2b3c4d5e6f',
  'telemetry.sdk.language': 'nodejs',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.version': '3.1.0',
  'host.name': 'bench-host',
  'host.arch': 'amd64',
  'process.pid': 6774,
  'process.runtime.name': 'nodejs',
  'process.runtime.version': '24.21.0',
};

/** The measuring process: one worker, `lines` lines after a warm-up, one JSON line out. */
async function measure({ workerFile, url, protocol, lines }) {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(workerFile, {
    workerData: {
      url,
      headers: {},
      protocol,
      maxQueueSize: MAX_QUEUE,
      maxExportBatchSize: BATCH,
      scheduleDelayMs: 1000,
      exportTimeoutMs: 30_000,
      resource: RESOURCE,
      version: '0.0.0',
    },
    execArgv: [],
  });
  let delivered = 0;
  let failed = 0;
  let inFlight = 0;
  let wake = () => {};
  worker.on('message', (reply) => {
    if (reply.type !== 'settled') return;
    delivered += reply.delivered;
    failed += reply.failed;
    inFlight -= reply.delivered + reply.failed;
    wake();
  });
  const settledUpTo = (target) =>
    new Promise((resolve) => {
      const check = () => {
        if (delivered + failed >= target) resolve();
        else wake = check;
      };
      check();
    });
  const time = Date.now();
  const chunks = [];
  for (let start = 0; start < lines; start += BATCH) {
    let text = '';
    const end = Math.min(lines, start + BATCH);
    for (let index = start; index < end; index += 1) text += lineAt(index, time + index);
    chunks.push({ text, count: end - start });
  }
  // Feeds chunks (round and round) until `count` lines are sent, then waits for them all.
  let settledBefore = 0;
  const feed = async (count) => {
    let sent = 0;
    for (let index = 0; sent < count; index = (index + 1) % chunks.length) {
      const chunk = chunks[index];
      while (inFlight + chunk.count > MAX_QUEUE) {
        await new Promise((resolve) => {
          wake = resolve;
        });
      }
      inFlight += chunk.count;
      sent += chunk.count;
      worker.postMessage(chunk.text);
    }
    settledBefore += sent;
    await settledUpTo(settledBefore);
    return sent;
  };
  const warm = await feed(WARMUP_LINES);
  const profile = process.env.BENCH_WORKER_PROFILE ? await worker.startCpuProfile() : undefined;
  const processBefore = process.cpuUsage();
  const mainBefore = process.threadCpuUsage();
  const wallBefore = performance.now();
  const measured = await feed(lines);
  const wallMs = performance.now() - wallBefore;
  const processCpu = process.cpuUsage(processBefore);
  const mainCpu = process.threadCpuUsage(mainBefore);
  if (profile) {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(process.env.BENCH_WORKER_PROFILE, JSON.stringify(await profile.stop()));
  }
  await worker.terminate();
  const workerMicros = processCpu.user + processCpu.system - (mainCpu.user + mainCpu.system);
  return {
    lines: measured,
    delivered: delivered - warm,
    failed,
    workerMicrosPerLine: workerMicros / measured,
    mainMicrosPerLine: (mainCpu.user + mainCpu.system) / measured,
    linesPerSecond: measured / (wallMs / 1000),
  };
}

function option(args, name, fallback) {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1];
}

async function main(args) {
  const lines = Number(option(args, 'lines', '200000'));
  const runs = Number(option(args, 'runs', '5'));
  const protocol = option(args, 'protocol', 'http/protobuf');
  const out = option(args, 'out', undefined);
  const against = option(args, 'against', undefined);
  const builds = [{ label: 'this checkout', root: thisCheckout }];
  if (against) {
    const [root, label] = against.split(':');
    builds.unshift({ label: label ?? path.basename(root), root: path.resolve(root) });
  }
  installChildCleanup();
  const sink = await startSink();
  const load = { start: loadAverage() };
  const results = builds.map((build) => ({ ...build, runs: [] }));
  try {
    // Interleaved, so a change in the machine's load hits every build alike.
    for (let run = 0; run < runs; run += 1) {
      for (const result of results) {
        const workerFile = path.join(result.root, 'packages/core/dist/otlp-log-worker.mjs');
        const child = spawnTracked(
          process.execPath,
          [
            fileURLToPath(import.meta.url),
            '--measure',
            JSON.stringify({ workerFile, url: `${sink.origin}/v1/logs`, protocol, lines }),
          ],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let stdout = '';
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
        });
        const output = captureOutput(child);
        const exit = await waitForExit(child);
        if (exit?.code !== 0)
          throw new Error(`measuring ${result.label} failed (${exit?.code}): ${output.text()}`);
        const measurement = JSON.parse(stdout.trim().split('\n').at(-1));
        result.runs.push(measurement);
        console.error(
          `${result.label} run ${run + 1}: ${round(measurement.workerMicrosPerLine, 2)} µs/line in the worker, ${measurement.delivered} delivered`,
        );
      }
    }
  } finally {
    await sink.stop();
  }
  load.end = loadAverage();
  const summary = results.map(({ label, root, runs: measured }) => {
    const worker = measured.map((run) => run.workerMicrosPerLine);
    const main = measured.map((run) => run.mainMicrosPerLine);
    return {
      label,
      root,
      workerMicrosPerLine: { median: median(worker), min: Math.min(...worker), max: Math.max(...worker) },
      mainMicrosPerLine: { median: median(main), min: Math.min(...main), max: Math.max(...main) },
      linesPerSecond: median(measured.map((run) => run.linesPerSecond)),
      allDelivered: measured.every((run) => run.delivered === run.lines && run.failed === 0),
      runs: measured,
    };
  });
  const table = [
    `OTLP log export worker, ${lines} lines per run after ${WARMUP_LINES} warm-up, ${runs} runs, ${protocol}`,
    '',
    '| build | worker CPU µs/line, median (range) | main thread µs/line | lines/s | all delivered |',
    '|---|---|---|---|---|',
    ...summary.map(
      (row) =>
        `| ${row.label} | ${round(row.workerMicrosPerLine.median, 2)} (${round(row.workerMicrosPerLine.min, 2)}–${round(row.workerMicrosPerLine.max, 2)}) | ${round(row.mainMicrosPerLine.median, 2)} | ${round(row.linesPerSecond)} | ${row.allDelivered ? 'yes' : 'no'} |`,
    ),
  ].join('\n');
  console.log(table);
  if (out) {
    const file = path.join(here, 'results', `${out}.json`);
    writeFileSync(
      file,
      `${JSON.stringify({ machine: describeMachine(), load, lines, runs, protocol, warmupLines: WARMUP_LINES, summary }, null, 2)}\n`,
    );
    console.error(`wrote ${path.relative(process.cwd(), file)}`);
  }
}

const measureIndex = process.argv.indexOf('--measure');
if (measureIndex !== -1) {
  const result = await measure(JSON.parse(process.argv[measureIndex + 1]));
  console.log(JSON.stringify(result));
  process.exit(0);
} else {
  await main(process.argv.slice(2));
}
