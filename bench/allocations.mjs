// Bytes allocated per request, by allocation site, for bench variants: a measure that
// does not move with the machine's load the way CPU time does, so a change's effect on
// the garbage it makes can be checked on a busy machine. Each variant's server runs with
// lib/allocation-sampler.mjs preloaded, is warmed up, then sampled over a fixed number of
// requests.
//
//   node bench/allocations.mjs --only express --variants bare,tracewire
//   node bench/allocations.mjs --only fastify --variants tracewire --with-env nologs:OTEL_LOGS_EXPORTER=none
//   node bench/allocations.mjs --requests 20000 --top 25 --out ab-allocations
//   node bench/allocations.mjs --variants tracewire-10 --against ../base:before
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
    variants: { type: 'string', default: 'bare,tracewire' },
    'with-env': { type: 'string', multiple: true },
    against: { type: 'string' },
    requests: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '3000' },
    connections: { type: 'string', default: '50' },
    top: { type: 'string', default: '15' },
    out: { type: 'string' },
  },
});
const frameworks = args.only?.split(',') ?? ['express', 'fastify', 'koa'];
const kinds = args.variants.split(',');
const requests = Number(args.requests);
const samplerFile = fileURLToPath(new URL('./lib/allocation-sampler.mjs', import.meta.url));

const selected = VARIANTS.filter(
  (variant) => frameworks.includes(variant.framework) && kinds.includes(variant.kind),
);
const copies = (args['with-env'] ?? []).flatMap((spec) => {
  const [name, list] = [spec.slice(0, spec.indexOf(':')), spec.slice(spec.indexOf(':') + 1)];
  const overrides = Object.fromEntries(
    list.split(',').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]),
  );
  return selected
    .filter((variant) => variant.kind !== 'bare')
    .map((variant) => ({ ...variant, id: `${variant.id}+${name}`, overrides }));
});

// `--against <checkout>[:name]`: the same non-bare variants served by another checkout's build.
copies.push(...againstCopies(selected, args.against));

installChildCleanup();
const sink = await startSink();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-allocations-'));
const results = [];
try {
  for (const variant of [...selected, ...copies]) {
    const outFile = path.join(tmp, `${variant.id}.json`);
    const env = { ...variant.env(sink), ...variant.overrides, BENCH_ALLOCATIONS_OUT: outFile };
    for (const [key, value] of Object.entries(env)) if (value === '') delete env[key];
    const sampled = { ...variant, nodeArgs: ['--import', samplerFile, ...variant.nodeArgs] };
    const server = await startServer(sampled, env, path.join(tmp, `${variant.id}.log`));
    const load = {
      origin: server.origin,
      ids: REQUEST_IDS,
      connections: Number(args.connections),
      pipelining: 1,
    };
    await drive({ ...load, amount: Number(args.warmup) });
    process.kill(server.pid, 'SIGUSR1');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const run = await drive({ ...load, amount: requests });
    process.kill(server.pid, 'SIGUSR2');
    while (!fs.existsSync(outFile)) await new Promise((resolve) => setTimeout(resolve, 100));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await server.stop();
    const { sites } = JSON.parse(fs.readFileSync(outFile, 'utf8'));
    const served = run.requests2xx || requests;
    const total = Object.values(sites).reduce((sum, bytes) => sum + bytes, 0);
    results.push({ id: variant.id, requests: served, bytesPerRequest: total / served, sites });
    console.error(`allocations: ${variant.id}: ${(total / served / 1024).toFixed(1)} kB per request`);
  }
} finally {
  await sink.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
}

const lines = ['| variant | kB allocated per request |', '|---|---|'];
for (const result of results) lines.push(`| ${result.id} | ${(result.bytesPerRequest / 1024).toFixed(1)} |`);
for (const result of results) {
  lines.push('', `**${result.id}**, largest allocation sites (kB per request):`, '');
  const top = Object.entries(result.sites)
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(args.top));
  for (const [site, bytes] of top) lines.push(`- ${(bytes / result.requests / 1024).toFixed(2)} \`${site}\``);
}
const report = lines.join('\n');
console.log(report);
if (args.out) {
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  fs.writeFileSync(
    path.join(dir, `${args.out}.md`),
    `# Allocations per request\n\n- date: ${new Date().toISOString()}\n- ${requests} requests per variant after ${args.warmup} warmup requests, ${args.connections} connections; V8 sampling heap profiler (1 kB interval), objects freed by either GC included\n\n${report}\n`,
  );
}
process.exit(0);
