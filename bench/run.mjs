// `pnpm bench` entry point: runs every benchmark section and writes the report to
// bench/results/. See bench/README.md for the method and `node bench/run.mjs --help`.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { checkAvailability } from './lib/availability.mjs';
import { installChildCleanup } from './lib/children.mjs';
import { LOGGING_TRACEWIRE_PROBE, runLogging } from './lib/logging-bench.mjs';
import { describeMachine, loadAverage, packagesBuildFingerprint } from './lib/machine.mjs';
import { runMemory } from './lib/memory.mjs';
import { updateReadme, writeReport } from './lib/report.mjs';
import { startSink } from './lib/sink.mjs';
import { runSentryWithoutDsn } from './lib/sentry-without-dsn.mjs';
import { runStartup } from './lib/startup.mjs';
import { evaluateTargets } from './lib/targets.mjs';
import { REQUEST_IDS, runThroughput } from './lib/throughput.mjs';
import { BASELINE_KIND, FRAMEWORKS, VARIANT_KINDS, VARIANTS } from './variants/registry.mjs';

const SECTIONS = ['throughput', 'startup', 'memory', 'logging'];

// Full: about 3 × 15 variant runs of 1 + 5 s plus startup, memory and logging; a few
// minutes on 2 cores. Quick: one short round of everything, to prove the harness works.
const PRESETS = {
  full: {
    rounds: 3,
    warmupSeconds: 1,
    durationSeconds: 5,
    connections: 50,
    startupRuns: 5,
    memoryRequests: 50_000,
    memoryRounds: 3,
    loggingRounds: 5,
    loggingLines: 200_000,
  },
  quick: {
    rounds: 1,
    warmupSeconds: 0,
    durationSeconds: 1,
    connections: 50,
    startupRuns: 1,
    memoryRequests: 1_000,
    memoryRounds: 1,
    loggingRounds: 1,
    loggingLines: 5_000,
  },
};

const USAGE = `usage: pnpm bench [options]

  --quick                 ~1 s per variant, one round (CI); writes results/quick.*
  --only <fw,...>         frameworks: ${FRAMEWORKS.join(', ')}
  --variants <v,...>      variant ids (express-sentry) or kinds (${VARIANT_KINDS.map((kind) => kind.kind).join(', ')});
                          the framework's bare variant is always added for the ratios
  --sections <s,...>      ${SECTIONS.join(', ')} (default: all)
  --rounds <n>            throughput rounds
  --duration <s>          measured seconds per throughput round
  --warmup <s>            warmup seconds per throughput round
  --connections <n>       autocannon connections
  --startup-runs <n>      cold starts per variant
  --memory-requests <n>   requests before the memory reading
  --sink <discard|testing> the sink receiver: discard (default) counts and drops exports;
                          testing decodes them with @tracewire/testing (rejected payloads
                          are flagged) at the cost of sink CPU
  --profile               write a CPU profile of every throughput round's server to
                          results/profiles/ (summarise with bench/profile-summary.mjs);
                          the profiler slows the servers, so the report is named "profiled"
  --with-env <name:K=V,...>
                          also run every selected non-bare variant (--against copies too)
                          with these environment changes (an empty value removes the
                          variable), as variant "<id>+<name>" in the same interleaved
                          throughput rounds: an A/B of one setting (repeatable; throughput,
                          startup and memory)
  --against <dir>[:name]  also run every selected tracewire variant from another checkout of
                          this repository (installed and built), as variant "<id>@<name>"
                          (default name "base") in the same interleaved rounds: a
                          before/after A/B of a change (repeatable; throughput, startup
                          and memory)
  --out <name>            report file name (default: latest, quick, or partial when filtered)
  --out-dir <dir>         report directory (default: bench/results)
  --list                  print the variants and whether they can run, then exit`;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    variants: { type: 'string' },
    sections: { type: 'string' },
    rounds: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    connections: { type: 'string' },
    'startup-runs': { type: 'string' },
    'memory-requests': { type: 'string' },
    out: { type: 'string' },
    'out-dir': { type: 'string' },
    list: { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    sink: { type: 'string', default: 'discard' },
    'with-env': { type: 'string', multiple: true },
    against: { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}

const list = (value) =>
  value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
const positive = (value, name) => {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0)
    throw new Error(`--${name} must be a positive number, got ${value}`);
  return parsed;
};

const mode = args.quick ? 'quick' : 'full';
const settings = { ...PRESETS[mode] };
for (const [flag, key] of [
  ['rounds', 'rounds'],
  ['duration', 'durationSeconds'],
  ['warmup', 'warmupSeconds'],
  ['connections', 'connections'],
  ['startup-runs', 'startupRuns'],
  ['memory-requests', 'memoryRequests'],
]) {
  settings[key] = positive(args[flag], flag) ?? settings[key];
}
settings.requestIds = REQUEST_IDS;

const frameworks = list(args.only) ?? FRAMEWORKS;
const unknownFrameworks = frameworks.filter((framework) => !FRAMEWORKS.includes(framework));
const variantFilter = list(args.variants);
const unknownVariants = (variantFilter ?? []).filter(
  (item) => !VARIANTS.some((variant) => variant.id === item || variant.kind === item),
);
const sections = list(args.sections) ?? SECTIONS;
const unknownSections = sections.filter((section) => !SECTIONS.includes(section));
const unknownSink = ['discard', 'testing'].includes(args.sink) ? [] : [args.sink];
const unknown = [...unknownFrameworks, ...unknownVariants, ...unknownSections, ...unknownSink];
if (unknown.length > 0) {
  console.error(`unknown: ${unknown.join(', ')}\n\n${USAGE}`);
  process.exit(2);
}

const selected = VARIANTS.filter(
  (variant) =>
    frameworks.includes(variant.framework) &&
    (!variantFilter ||
      variant.kind === BASELINE_KIND ||
      variantFilter.includes(variant.id) ||
      variantFilter.includes(variant.kind)),
);
// `--with-env name:KEY=VALUE,...`: a copy of each selected instrumented variant whose
// environment differs only by these variables, measured in the same rounds.
function parseEnvVariant(spec) {
  const colon = spec.indexOf(':');
  const name = colon > 0 ? spec.slice(0, colon) : '';
  const assignments =
    colon > 0
      ? spec
          .slice(colon + 1)
          .split(',')
          .filter(Boolean)
      : [];
  if (
    !/^[\w.-]+$/.test(name) ||
    assignments.length === 0 ||
    assignments.some((item) => !/^\w+=/.test(item))
  ) {
    console.error(`--with-env expects <name>:KEY=VALUE[,KEY=VALUE...], got ${spec}\n\n${USAGE}`);
    process.exit(2);
  }
  const overrides = assignments.map((item) => [
    item.slice(0, item.indexOf('=')),
    item.slice(item.indexOf('=') + 1),
  ]);
  return { name, overrides };
}
// `--against <dir>[:name]`: the same tracewire variants, served by another checkout's build.
function parseAgainst(spec) {
  const colon = spec.lastIndexOf(':');
  const [dir, name] = colon > 0 ? [spec.slice(0, colon), spec.slice(colon + 1)] : [spec, 'base'];
  const variantsDir = path.resolve(dir, 'bench', 'variants');
  if (!/^[\w.-]+$/.test(name) || !existsSync(variantsDir)) {
    console.error(
      `--against expects <checkout-dir>[:name] with bench/variants/ inside, got ${spec}\n\n${USAGE}`,
    );
    process.exit(2);
  }
  return { benchDir: path.dirname(variantsDir), name };
}
const againstCopies = (args.against ?? []).map(parseAgainst).flatMap(({ benchDir, name }) =>
  selected
    .filter((variant) => variant.kind.startsWith('tracewire') && !variant.availabilityOf)
    .map((variant) => ({
      ...variant,
      id: `${variant.id}@${name}`,
      kind: `${variant.kind}@${name}`,
      label: `${variant.label} @ ${name}`,
      availabilityOf: variant.id,
      benchDir,
    })),
);
selected.push(...againstCopies);
// After the `--against` copies, so those get an environment copy too (`<id>@<name>+<env>`).
const envCopies = (args['with-env'] ?? []).map(parseEnvVariant).flatMap(({ name, overrides }) =>
  selected
    .filter((variant) => variant.kind !== BASELINE_KIND)
    .map((variant) => ({
      ...variant,
      id: `${variant.id}+${name}`,
      kind: `${variant.kind}+${name}`,
      label: `${variant.label} + ${name}`,
      availabilityOf: variant.availabilityOf ?? variant.id,
      env: (sink) => {
        const env = { ...variant.env(sink) };
        for (const [key, value] of overrides) {
          if (value === '') delete env[key];
          else env[key] = value;
        }
        return env;
      },
    })),
);
selected.push(...envCopies);
const filtered = Boolean(
  args.only ||
    args.variants ||
    args.sections ||
    args.sink !== 'discard' ||
    envCopies.length > 0 ||
    againstCopies.length > 0,
);
const defaultName = args.quick ? 'quick' : args.profile ? 'profiled' : filtered ? 'partial' : 'latest';
const outName = args.out ?? defaultName;
const outDir = path.resolve(args['out-dir'] ?? fileURLToPath(new URL('./results', import.meta.url)));
if (args.profile) settings.profileDir = path.join(outDir, 'profiles');

const log = (message) => console.log(`bench: ${message}`);

installChildCleanup();
const startedAt = performance.now();
const availability = await checkAvailability([
  ...selected.filter((variant) => !variant.availabilityOf),
  LOGGING_TRACEWIRE_PROBE,
]);
const variants = selected.map((variant) => ({
  ...variant,
  availability: availability.get(variant.availabilityOf ?? variant.id),
}));

if (args.list) {
  for (const variant of variants) {
    console.log(
      `${variant.id.padEnd(24)} ${variant.availability.available ? 'available' : `pending: ${variant.availability.reason}`}`,
    );
  }
  process.exit(0);
}

for (const variant of variants.filter((candidate) => !candidate.availability.available)) {
  log(`${variant.id} pending: ${variant.availability.reason}`);
}

const machine = describeMachine();
machine.packagesBuildAtStart = packagesBuildFingerprint();
log(
  `${mode} run on ${machine.cpuModel} × ${machine.cores}, Node ${machine.node}; sections: ${sections.join(', ')}`,
);
// Other work on the machine takes CPU from whichever variant happens to be running.
if (machine.loadAverage[0] > machine.cores / 2) {
  log(
    `the machine is busy (load average ${machine.loadAverage[0]} on ${machine.cores} cores): expect noisy numbers`,
  );
}

const logDir = await mkdtemp(path.join(os.tmpdir(), 'tracewire-bench-'));
const sink = await startSink({ receiver: args.sink });
const report = {
  schemaVersion: 1,
  mode,
  machine,
  settings,
  sink: {
    receiver: args.sink,
    implementation:
      args.sink === 'testing'
        ? '@tracewire/testing startTestSink() in a separate process'
        : 'bench/lib/discard-receiver.mjs in a separate process',
  },
};
try {
  const context = { sink, logDir, settings };
  const timed = async (section, run) => {
    if (!sections.includes(section)) return;
    const sectionStart = performance.now();
    report[section] = await run();
    log(`${section} done in ${Math.round((performance.now() - sectionStart) / 1_000)} s`);
  };
  await timed('throughput', () => runThroughput(variants, context, log));
  await timed('startup', () => runStartup(variants, context, log));
  // Part of startup: which modules a service without a DSN loads (one short child process).
  if (sections.includes('startup')) {
    report.sentryWithoutDsn = await runSentryWithoutDsn(availability.get(LOGGING_TRACEWIRE_PROBE.id), log);
  }
  await timed('memory', () => runMemory(variants, context, log));
  await timed('logging', () => runLogging(availability.get(LOGGING_TRACEWIRE_PROBE.id), context, log));
} finally {
  await sink.stop();
  await rm(logDir, { recursive: true, force: true });
}
report.machine.loadAverageAtEnd = loadAverage();
report.machine.packagesBuildAtEnd = packagesBuildFingerprint();
if (report.machine.packagesBuildAtEnd !== report.machine.packagesBuildAtStart) {
  log('packages/*/dist changed during the run: the tracewire numbers mix two builds');
}
report.targets = evaluateTargets(report);
report.durationSeconds = (performance.now() - startedAt) / 1_000;

const { jsonFile, markdownFile } = await writeReport(report, outDir, outName);
log(`report: ${path.relative(process.cwd(), markdownFile)} and ${path.relative(process.cwd(), jsonFile)}`);
// Only a complete default run is "the latest results" the README shows.
if (outName === 'latest' && !args['out-dir']) {
  await updateReadme(report);
  log('bench/README.md updated with these results');
}
log(`took ${Math.round(report.durationSeconds)} s`);

// Pending variants are expected until the tracewire packages land; anything that was
// supposed to run and did not is a failed benchmark.
const broken = [
  ...(report.throughput ?? []),
  ...(report.startup ?? []),
  ...(report.memory ?? []),
  ...(report.logging?.rows ?? []),
  ...(report.sentryWithoutDsn ? [{ id: 'sentry-without-dsn', ...report.sentryWithoutDsn }] : []),
].filter((row) => row.status === 'failed' || row.status === 'errors');
if (broken.length > 0) {
  log(
    `${broken.length} run(s) failed or had request errors: ${broken.map((row) => row.id ?? row.mode).join(', ')}`,
  );
  process.exitCode = 1;
}
