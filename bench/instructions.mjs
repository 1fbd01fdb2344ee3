// Instructions per request, counted by valgrind's callgrind in every thread of a server
// (the app's, the log worker's, V8's helpers): a count that does not move with the
// machine's load, so it tells how much of a variant's CPU per request is work its code
// does and how much is the same work running slower (cache misses, the kernel's share
// of socket writes, which callgrind does not count). Each server starts under callgrind
// with instrumentation off, is warmed up at full speed for valgrind, and is counted over
// a fixed number of requests between `callgrind_control --instr=on` and `--dump`.
//
//   node bench/instructions.mjs --only koa --variants bare,tracewire-10
//   node bench/instructions.mjs --variants bare,tracewire,tracewire-10 --requests 3000 --out instructions
//   node bench/instructions.mjs --only express --variants tracewire-10 --against ../base:before
//   node bench/instructions.mjs --only koa --keep /tmp/dumps   # keep the dumps for callgrind_annotate
//   node bench/instructions.mjs --from /tmp/dumps --out instructions   # report from kept dumps
//
// The garbage collector's share depends on which collections fall inside the window: it
// is reported on its own (from `callgrind_annotate`, by V8's function names), and the
// count without it is the steady one. Two runs of bare Koa agreed within 1 %; two copies
// of the same tracewire Express code differed by 10 % in all and by 3–4 % without GC.
// Short windows also count compilation: with 3,000 requests after 10,000 bare Koa
// measured 343,000 instructions per request, with 20,000 after 50,000 (the default)
// 109,000, of which V8's compilers are about 5 %.
//
// Slow: under valgrind a server serves a few hundred requests per second, so the nine
// default variants take about 15 minutes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { againstCopies } from './lib/against.mjs';
import { installChildCleanup } from './lib/children.mjs';
import { drive } from './lib/driver.mjs';
import { startServer } from './lib/server.mjs';
import { startSink } from './lib/sink.mjs';
import { REQUEST_IDS } from './lib/throughput.mjs';
import { VARIANTS } from './variants/registry.mjs';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    variants: { type: 'string', default: 'bare,tracewire,tracewire-10' },
    against: { type: 'string' },
    requests: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '50000' },
    connections: { type: 'string', default: '10' },
    out: { type: 'string' },
    keep: { type: 'string' },
    from: { type: 'string' },
  },
});
const frameworks = args.only?.split(',') ?? ['express', 'fastify', 'koa'];
const kinds = args.variants.split(',');
const requests = Number(args.requests);

const selected = VARIANTS.filter(
  (variant) => frameworks.includes(variant.framework) && kinds.includes(variant.kind),
);
const copies = [];
// `--against <checkout>[:name]`: the same non-bare variants served by another checkout's build.
copies.push(...againstCopies(selected, args.against));

/** The total instruction count of a callgrind dump (every thread: one file, not separated). */
function totalInstructions(file) {
  const text = fs.readFileSync(file, 'utf8');
  const match = /^(?:totals|summary): (\d+)/m.exec(text);
  if (!match) throw new Error(`no totals in ${file}`);
  return Number(match[1]);
}

// V8's garbage collector, by the C++ names in node's symbol table (self cost only).
const GC_FUNCTION =
  /v8::internal::(?:[A-Za-z]*Scaveng|Heap::|[A-Za-z]*MarkCompact|[A-Za-z]*Sweep|[A-Za-z]*Marking|[A-Za-z]*Evacuat|MemoryAllocator|PagedSpace|SemiSpace|NewSpace|GCTracer|ConcurrentMarking|RememberedSet|SlotSet|MinorMS|heap::)/;

/** Instructions in V8's garbage collector, from `callgrind_annotate`'s per-function self cost. */
function gcInstructions(file) {
  const output = execFileSync('callgrind_annotate', ['--threshold=100', '--auto=no', file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  let total = 0;
  for (const line of output.split('\n')) {
    const match = /^\s*([\d,]+)\s+\([^)]*\)\s+(.*)$/.exec(line);
    if (match && GC_FUNCTION.test(match[2])) total += Number(match[1].replaceAll(',', ''));
  }
  return total;
}

function measured(id, file, served, errors) {
  return {
    id,
    requests: served,
    errors,
    instructionsPerRequest: totalInstructions(file) / served,
    gcInstructionsPerRequest: gcInstructions(file) / served,
  };
}

const results = [];
if (args.from) {
  // Reports from dumps an earlier run kept (`--keep`): every `<id>.callgrind` in the folder.
  for (const name of fs
    .readdirSync(args.from)
    .filter((file) => file.endsWith('.callgrind'))
    .sort()) {
    results.push(measured(name.replace(/\.callgrind$/, ''), path.join(args.from, name), requests, 0));
  }
} else {
  await measureVariants();
}

async function measureVariants() {
  installChildCleanup();
  const sink = await startSink();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-instructions-'));
  try {
    for (const variant of [...selected, ...copies]) {
      const outPrefix = path.join(tmp, variant.id);
      const wrapper = [
        'valgrind',
        '--tool=callgrind',
        '--instr-atstart=no',
        `--callgrind-out-file=${outPrefix}.%p`,
        '--log-file=/dev/null',
      ];
      // One thread for V8 (no concurrent compiler or GC helpers): under valgrind, which
      // runs one thread at a time, helper threads make tier-up and GC fall at different
      // points from run to run; on one thread the same requests take the same work.
      const counted = { ...variant, nodeArgs: ['--single-threaded', ...variant.nodeArgs] };
      const server = await startServer(counted, variant.env(sink), `${outPrefix}.log`, {
        timeoutMs: 600_000,
        wrapper,
      });
      const load = {
        origin: server.origin,
        ids: REQUEST_IDS,
        connections: Number(args.connections),
        pipelining: 1,
      };
      await drive({ ...load, amount: Number(args.warmup) });
      execFileSync('callgrind_control', ['--instr=on', String(server.pid)], { stdio: 'ignore' });
      const run = await drive({ ...load, amount: requests });
      execFileSync('callgrind_control', ['--dump', String(server.pid)], { stdio: 'ignore' });
      await server.stop();
      // The dump taken on request is numbered `.1`; the one at exit is not read.
      const dump = fs.readdirSync(tmp).find((name) => name.startsWith(`${variant.id}.${server.pid}.`));
      if (!dump) throw new Error(`${variant.id}: no callgrind dump`);
      if (args.keep) {
        fs.mkdirSync(args.keep, { recursive: true });
        fs.copyFileSync(path.join(tmp, dump), path.join(args.keep, `${variant.id}.callgrind`));
      }
      const served = run.requests2xx || requests;
      const result = measured(
        variant.id,
        path.join(tmp, dump),
        served,
        run.errors + run.non2xx + run.timeouts,
      );
      results.push(result);
      console.error(
        `instructions: ${variant.id}: ${Math.round(result.instructionsPerRequest).toLocaleString('en-US')} per request`,
      );
    }
  } finally {
    await sink.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const count = (value) => Math.round(value).toLocaleString('en-US');
const lines = [
  '| variant | instructions per request | × bare | of which GC | without GC | × bare without GC | errors |',
  '|---|---|---|---|---|---|---|',
];
for (const result of results) {
  const framework = result.id.split('-')[0];
  const bare = results.find((other) => other.id === `${framework}-bare`);
  const withoutGc = result.instructionsPerRequest - result.gcInstructionsPerRequest;
  const ratio = (value, of) => (of ? `${(value / of).toFixed(2)}×` : '');
  lines.push(
    `| ${result.id} | ${count(result.instructionsPerRequest)} | ${ratio(result.instructionsPerRequest, bare?.instructionsPerRequest)} | ${count(result.gcInstructionsPerRequest)} | ${count(withoutGc)} | ${ratio(withoutGc, bare && bare.instructionsPerRequest - bare.gcInstructionsPerRequest)} | ${result.errors} |`,
  );
}
const report = lines.join('\n');
console.log(report);
if (args.out) {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  const body = `# Instructions per request\n\n- date: ${new Date().toISOString()}\n- ${requests} requests per variant after ${args.warmup} warmup requests, ${args.connections} connections; valgrind callgrind, every thread, user-space instructions only; GC is V8's collector by function name (\`callgrind_annotate\`)\n\n${report}\n`;
  fs.writeFileSync(path.join(dir, `${args.out}.md`), body);
  fs.writeFileSync(path.join(dir, `${args.out}.json`), `${JSON.stringify({ requests, results }, null, 2)}\n`);
}
process.exit(0);
