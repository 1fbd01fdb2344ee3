// Server CPU per request by thread, for a tracewire server of this checkout and of another
// (--against): where the throughput section's process CPU goes. Linux only: it reads each
// thread's user+system time from /proc/<pid>/task/<tid>/stat around a measured autocannon
// run and groups threads by name: `MainThread` (the app), `WorkerThread` (tracewire's OTLP
// log export worker, the only worker thread), `V8Worker` (V8's GC and compiler helpers)
// and `libuv-worker`. On a shared machine whole-process numbers swing by tens of µs
// between rounds; the log worker's own thread is far steadier, so this is how a change
// there shows up. The last column is the part of the total spent in the kernel (system
// time of all threads). Rounds alternate the builds, starting with a different one each round.
//
// Usage: node bench/thread-cpu.mjs [--framework express] [--rounds 4] [--seconds 6]
//          [--against <checkout>[:label]] [--variants bare,tracewire,tracewire-10,...] [--out <name>]
// With both --variants and --against, each variant runs from both checkouts.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { installChildCleanup, spawnTracked, stopChild, waitForStdout } from './lib/children.mjs';
import { describeMachine, loadAverage } from './lib/machine.mjs';
import { benchProcessEnv } from './lib/server.mjs';
import { startSink } from './lib/sink.mjs';
import { median, round } from './lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const CLOCK_TICKS_PER_SECOND = 100;
const THREAD_GROUPS = ['MainThread', 'WorkerThread', 'V8Worker', 'libuv-worker'];

function option(args, name, fallback) {
  const index = args.indexOf(`--${name}`);
  return index === -1 ? fallback : args[index + 1];
}

/** CPU µs per thread name, summed over the threads of that name; `system` is the kernel's share of all threads. */
function threadCpu(pid) {
  const byName = { system: 0 };
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    let stat;
    try {
      stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const micros = ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1e6;
    const group = THREAD_GROUPS.includes(name) ? name : 'other';
    byName[group] = (byName[group] ?? 0) + micros;
    byName.system += (Number(fields[12]) / CLOCK_TICKS_PER_SECOND) * 1e6;
  }
  return byName;
}

/** Variants this script can compare in one checkout (`--variants`). */
const VARIANTS = {
  bare: { file: 'bare', env: {} },
  tracewire: { file: 'tracewire', env: {} },
  'tracewire-10': { file: 'tracewire', env: { SENTRY_TRACE_SAMPLE_RATE: '0.1' } },
  'tracewire-nologs': { file: 'tracewire', env: { OTEL_LOGS_EXPORTER: 'none' } },
  'tracewire-10-nologs': {
    file: 'tracewire',
    env: { SENTRY_TRACE_SAMPLE_RATE: '0.1', OTEL_LOGS_EXPORTER: 'none' },
  },
};

async function measureRound({ root, framework, sink, seconds, logFile, variant = 'tracewire', rate }) {
  const env = {
    SENTRY_DSN: sink.sentryDsn,
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.origin,
    OTEL_SERVICE_NAME: 'tracewire-bench',
    SENTRY_RELEASE: 'tracewire-bench@0.0.0',
    SENTRY_TRACE_SAMPLE_RATE: '1',
    TRACEWIRE_METRICS: 'otlp',
    LOG_LEVEL: 'info',
    ...VARIANTS[variant].env,
  };
  const child = spawnTracked(
    process.execPath,
    [path.join(root, `bench/variants/${framework}-${VARIANTS[variant].file}.mjs`)],
    {
      cwd: path.join(root, 'bench'),
      env: benchProcessEnv(env, logFile),
      stdio: ['pipe', 'pipe', 'ignore'],
    },
  );
  try {
    const [, port] = await waitForStdout(child, /BENCH_LISTENING (\d+)/, 30_000);
    child.stdout.resume();
    const url = `http://127.0.0.1:${port}/hello/1`;
    await autocannon({ url, connections: 20, duration: 2 });
    const before = threadCpu(child.pid);
    const result = await autocannon({
      url,
      connections: 20,
      duration: seconds,
      ...(rate ? { overallRate: rate } : {}),
    });
    const after = threadCpu(child.pid);
    const requests = result.requests.total;
    const perRequest = {};
    for (const group of [...THREAD_GROUPS, 'other'])
      perRequest[group] = ((after[group] ?? 0) - (before[group] ?? 0)) / requests;
    perRequest.total = Object.values(perRequest).reduce((sum, value) => sum + value, 0);
    // Already in the threads' totals: system calls, and the wakeups of the load generator they cause.
    perRequest.system = (after.system - before.system) / requests;
    return { requests, perRequest };
  } finally {
    await stopChild(child, 3_000);
  }
}

const args = process.argv.slice(2);
const framework = option(args, 'framework', 'express');
const rounds = Number(option(args, 'rounds', '4'));
const seconds = Number(option(args, 'seconds', '6'));
const out = option(args, 'out', undefined);
const rate = option(args, 'rate', undefined) ? Number(option(args, 'rate')) : undefined;
const against = option(args, 'against', undefined);
const variants = option(args, 'variants', undefined)?.split(',');
const builds = variants
  ? variants.map((variant) => {
      if (!VARIANTS[variant])
        throw new Error(`unknown variant ${variant}: ${Object.keys(VARIANTS).join(', ')}`);
      return { label: variant, variant, root: path.resolve(here, '..'), rounds: [] };
    })
  : [{ label: 'this checkout', root: path.resolve(here, '..'), rounds: [] }];
if (against) {
  // With --variants, the other checkout runs the same variants, so each pair is like for like.
  const [root, label] = against.split(':');
  const name = label ?? path.basename(root);
  for (const variant of variants ?? [undefined]) {
    builds.push({
      label: variant ? `${variant} (${name})` : name,
      variant,
      root: path.resolve(root),
      rounds: [],
    });
  }
}
installChildCleanup();
const sink = await startSink();
const load = { start: loadAverage() };
const logFile = path.join(os.tmpdir(), `tracewire-thread-cpu-${process.pid}.log`);
try {
  for (let index = 0; index < rounds; index += 1) {
    const order = index % 2 === 0 ? builds : [...builds].reverse();
    for (const build of order) {
      const measured = await measureRound({
        root: build.root,
        framework,
        sink,
        seconds,
        logFile,
        variant: build.variant,
        rate,
      });
      build.rounds.push(measured);
      console.error(
        `${build.label} round ${index + 1}: ${Object.entries(measured.perRequest)
          .map(([group, micros]) => `${group} ${micros.toFixed(1)}`)
          .join(', ')} µs/request`,
      );
    }
  }
} finally {
  await sink.stop();
  rmSync(logFile, { force: true });
}
load.end = loadAverage();
const groups = [...THREAD_GROUPS, 'other', 'total', 'system'];
const summary = builds.map(({ label, root, rounds: measured }) => ({
  label,
  root,
  perRequest: Object.fromEntries(
    groups.map((group) => {
      const values = measured.map((entry) => entry.perRequest[group]);
      return [group, { median: median(values), min: Math.min(...values), max: Math.max(...values) }];
    }),
  ),
  rounds: measured,
}));
const cell = ({ median: middle, min, max }) => `${round(middle, 1)} (${round(min, 1)}–${round(max, 1)})`;
console.log(
  [
    `${framework}${variants ? '' : ' tracewire full'}, server CPU µs per request by thread, median (range) of ${rounds} rounds of ${seconds} s`,
    '',
    `| build | ${groups.map((group) => (group === 'system' ? 'of which system (kernel)' : group)).join(' | ')} |`,
    `|---|${groups.map(() => '---').join('|')}|`,
    ...summary.map(
      (row) => `| ${row.label} | ${groups.map((group) => cell(row.perRequest[group])).join(' | ')} |`,
    ),
  ].join('\n'),
);
if (out) {
  const file = path.join(here, 'results', `${out}.json`);
  writeFileSync(
    file,
    `${JSON.stringify({ machine: describeMachine(), load, framework, rounds, seconds, summary }, null, 2)}\n`,
  );
  console.error(`wrote ${path.relative(process.cwd(), file)}`);
}
