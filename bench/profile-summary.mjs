// Summarises a V8 CPU profile (`--cpu-prof`, or `pnpm bench --profile`) as the functions
// with the most self time and the packages with the most inclusive time: the first step
// of explaining a missed target. Usage: node bench/profile-summary.mjs <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';

const [file, topArgument = '25'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArgument);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);

// Time per sampled node: each sample lasts until the next one.
const sampled = new Map();
let total = 0;
profile.samples.forEach((id, index) => {
  const delta = profile.timeDeltas[index + 1] ?? 0;
  sampled.set(id, (sampled.get(id) ?? 0) + delta);
  total += delta;
});

// pnpm paths hold several node_modules segments; the package is the last one.
function packageOf({ callFrame }) {
  const match = /.*node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(callFrame.url);
  if (match) return match[1];
  // Workspace packages resolve to their real path, outside node_modules.
  const workspace = /\/packages\/([^/]+)\/dist\//.exec(callFrame.url);
  if (workspace) return `@tracewire/${workspace[1]}`;
  if (callFrame.url.startsWith('node:')) return 'node (built-in)';
  if (callFrame.url) return 'bench (server file)';
  return callFrame.functionName || '(native)';
}

function location({ callFrame }) {
  const url = callFrame.url.replace(/^file:\/\//, '').replace(/.*node_modules\//, '');
  return `${callFrame.functionName || '(anonymous)'} ${url ? `${url}:${callFrame.lineNumber + 1}` : ''}`.trim();
}

const selfTime = new Map();
const packageSelfTime = new Map();
const packageTime = new Map();
for (const [id, time] of sampled) {
  const node = nodes.get(id);
  selfTime.set(location(node), (selfTime.get(location(node)) ?? 0) + time);
  packageSelfTime.set(packageOf(node), (packageSelfTime.get(packageOf(node)) ?? 0) + time);
  // Inclusive: every package on the stack gets the sample once.
  const seen = new Set();
  for (let current = id; current !== undefined; current = parents.get(current)) {
    const name = packageOf(nodes.get(current));
    if (name === '(root)' || seen.has(name)) continue;
    seen.add(name);
    packageTime.set(name, (packageTime.get(name) ?? 0) + time);
  }
}

const share = (time) => `${((time / total) * 100).toFixed(1).padStart(5)} %`;
console.log(`${file}: ${(total / 1_000).toFixed(0)} ms sampled`);
console.log('\nself time by function:');
for (const [name, time] of [...selfTime].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${share(time)}  ${name}`);
console.log('\nself time by package (where the CPU went):');
for (const [name, time] of [...packageSelfTime].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  console.log(`${share(time)}  ${name}`);
}
console.log('\ninclusive time by package (what it called, too):');
for (const [name, time] of [...packageTime].sort((a, b) => b[1] - a[1]).slice(0, top))
  console.log(`${share(time)}  ${name}`);
