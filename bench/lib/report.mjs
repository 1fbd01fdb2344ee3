// Writes a run's report as JSON (everything, including per-round samples) and as the
// markdown tables bench/README.md quotes.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dash = '—';

function number(value, digits = 0) {
  if (!Number.isFinite(value)) return dash;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

// autocannon records latency in whole milliseconds, so 0 means "under a millisecond".
function latency(value) {
  if (value === 0) return '< 1';
  return number(value, 0);
}

function percent(value) {
  return Number.isFinite(value) ? `${number(value * 100)} %` : dash;
}

function times(value) {
  return Number.isFinite(value) ? `${number(value, 1)}×` : dash;
}

function megabytes(bytes) {
  return bytes >= 100 * 1024 ? `${number(bytes / 1024 ** 2, 1)} MB` : `${number(bytes / 1024, 1)} kB`;
}

function table(header, rows) {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

// Pending reasons are long and shared by many rows; the report lists them once at the top.
function notRun(row) {
  if (row.status === 'pending') return 'not run (pending, see above)';
  if (row.status === 'failed') return `FAILED: ${row.reason.split('\n')[0]}`;
  return row.reason ?? '';
}

function exportSummary(row) {
  const kinds = Object.entries(row.export ?? {});
  if (kinds.length === 0) return 'none';
  const requests = kinds.reduce((sum, [, counter]) => sum + counter.requests, 0);
  const bytes = kinds.reduce((sum, [, counter]) => sum + counter.bytes, 0);
  const perRequest = Number.isFinite(row.exportBytesPerRequest)
    ? ` (${number(row.exportBytesPerRequest)} B/request)`
    : '';
  return `${number(requests)} POSTs, ${megabytes(bytes)}${perRequest}`;
}

const EXPORT_KINDS = [
  'otlp-traces',
  'otlp-metrics',
  'otlp-logs',
  'sentry-envelope',
  'sentry-otlp-traces',
  'unknown',
  'rejected',
];

function throughputSection(report) {
  const { settings } = report;
  const rows = report.throughput.map((row) => {
    if (row.status === 'pending' || row.status === 'failed') {
      return [
        row.framework,
        row.label,
        dash,
        dash,
        dash,
        dash,
        dash,
        dash,
        dash,
        dash,
        dash,
        dash,
        notRun(row),
      ];
    }
    const notes = [
      ...(row.status === 'errors' ? [`⚠ ${row.reason}`] : []),
      ...row.warnings.map((warning) => `⚠ ${warning}`),
      ...(row.logLinesPerRequest >= 1.5
        ? [`${number(row.logLinesPerRequest, 1)} log lines per request`]
        : []),
    ];
    return [
      row.framework,
      row.label,
      number(row.reqPerSec),
      `${number(row.reqPerSecMin)}–${number(row.reqPerSecMax)}`,
      row.kind === 'bare' ? '100 %' : percent(row.ratioToBare),
      latency(row.latencyP50Ms),
      latency(row.latencyP99Ms),
      number(row.rssMb),
      row.cpuMicrosPerRequest === null || row.cpuMicrosPerRequest === undefined
        ? dash
        : number(row.cpuMicrosPerRequest),
      row.kind === 'bare' ? '1.0×' : times(row.cpuRatioToBare),
      number(row.errors),
      exportSummary(row),
      notes.join('; '),
    ];
  });
  const exporting = report.throughput.filter((row) => row.export && Object.keys(row.export).length > 0);
  const kinds = EXPORT_KINDS.filter((kind) => exporting.some((row) => row.export[kind]));
  const exportRows = exporting.map((row) => [
    row.framework,
    row.label,
    ...kinds.map((kind) => {
      const counter = row.export[kind];
      return counter ? `${number(counter.requests)} / ${megabytes(counter.bytes)}` : dash;
    }),
  ]);
  return [
    '## Throughput',
    '',
    `\`GET /hello/:id\` (${settings.requestIds.length} distinct ids), one log line per request; autocannon with ` +
      `${settings.connections} connections, pipelining 1, ${settings.warmupSeconds} s warmup + ${settings.durationSeconds} s ` +
      `measured per round, ${settings.rounds} round(s) interleaved; medians across rounds. "% of bare" compares with the ` +
      'same framework’s bare variant. RSS is read from the server process at the end of a round. Server CPU is the server ' +
      'process’s user + system time per request served (warmup included), and "× bare CPU" compares it with bare: unlike ' +
      'req/s it does not depend on whether the server or autocannon was the bottleneck. Export is what reached the sink ' +
      'over all rounds.',
    '',
    table(
      [
        'framework',
        'variant',
        'req/s',
        'req/s range',
        '% of bare',
        'p50 ms',
        'p99 ms',
        'RSS MB',
        'server CPU µs/request',
        '× bare CPU',
        'errors',
        'export to sink',
        'notes',
      ],
      rows,
    ),
    '',
    ...(exportRows.length > 0
      ? [
          'Export traffic by kind (POSTs / bytes, all rounds):',
          '',
          table(['framework', 'variant', ...kinds], exportRows),
          '',
        ]
      : []),
  ].join('\n');
}

function startupSection(report) {
  const rows = report.startup.map((row) =>
    row.status === 'ok'
      ? [
          row.framework,
          row.label,
          number(row.medianMs),
          row.kind === 'bare' ? dash : `+${number(row.overheadMs)}`,
          `${number(row.minMs)}–${number(row.maxMs)}`,
          '',
        ]
      : [row.framework, row.label, dash, dash, dash, notRun(row)],
  );
  return [
    '## Startup',
    '',
    `Spawn of \`node\` to the first request answered with 200, median of ${report.settings.startupRuns} run(s) per variant, interleaved.`,
    '',
    table(['framework', 'variant', 'median ms', 'overhead vs bare ms', 'range ms', 'notes'], rows),
    '',
  ].join('\n');
}

function memorySection(report) {
  const rows = report.memory.map((row) =>
    row.status === 'ok' || row.status === 'errors'
      ? [
          row.framework,
          row.label,
          number(row.rssIdleMb),
          number(row.rssAfterMb),
          row.kind === 'bare' ? dash : number(row.overheadMb),
          row.status === 'errors' ? `⚠ ${row.reason}` : '',
        ]
      : [row.framework, row.label, dash, dash, dash, notRun(row)],
  );
  return [
    '## Memory',
    '',
    `RSS of the server process when idle after startup and after ${number(report.settings.memoryRequests)} requests ` +
      `(${report.settings.connections} connections), median of ${report.settings.memoryRounds} run(s), interleaved.`,
    '',
    table(
      [
        'framework',
        'variant',
        'RSS idle MB',
        `RSS after ${number(report.settings.memoryRequests)} requests MB`,
        'overhead vs bare MB',
        'notes',
      ],
      rows,
    ),
    '',
  ].join('\n');
}

function loggingSection(report) {
  const { logging } = report;
  const rows = logging.rows.map((row) =>
    row.status === 'ok'
      ? [
          row.label,
          number(row.linesPerSec),
          percent(row.ratioToPlain),
          number(row.bytesPerLine),
          row.mode === 'plain' ? dash : row.traceFields ? 'yes' : '⚠ no',
          row.mainThreadMicrosPerLine === undefined ? dash : number(row.mainThreadMicrosPerLine, 2),
          row.mainThreadRatioToNoExport === null || row.mainThreadRatioToNoExport === undefined
            ? dash
            : `${number(row.mainThreadRatioToNoExport, 2)}×`,
          deliveredDropped(row.logRecords),
          '',
        ]
      : [row.label, dash, dash, dash, dash, dash, dash, dash, notRun(row)],
  );
  return [
    '## Logging',
    '',
    `Lines per second to a file (a synchronous pino destination, so every line is on disk when the clock stops), ${number(logging.lines)} lines per run after an ` +
      `untimed warmup, median of ${logging.rounds} run(s), each logger in its own process.`,
    '',
    table(
      [
        'logger',
        'lines/s',
        '% of plain pino',
        'bytes per line',
        'trace fields in lines',
        'main-thread µs/line',
        'main thread vs no export',
        'OTLP delivered / dropped',
        'notes',
      ],
      rows,
    ),
    '',
    'Main-thread µs/line is the CPU time of the logging thread alone (`process.threadCpuUsage`): ' +
      'encoding and sending OTLP log records happen in a worker thread and are not in it, handing the lines over is. ' +
      'OTLP delivered / dropped is per run, counted by tracewire after a final flush: the burst is far faster than the ' +
      'default queue (OTEL_BLRP_MAX_QUEUE_SIZE=2048) can drain, so most lines are dropped, counted, and never block.',
    '',
  ].join('\n');
}

function deliveredDropped(logRecords) {
  if (!logRecords || logRecords.length === 0) return dash;
  return logRecords.map((counts) => `${number(counts.delivered)} / ${number(counts.dropped)}`).join(', ');
}

function formatMeasured(target) {
  if (!Number.isFinite(target.measured)) return dash;
  if (target.unit === 'percent') return percent(target.measured);
  if (target.unit === 'times') return `${number(target.measured, 1)}×`;
  if (target.unit === 'modules') return `${number(target.measured)} modules`;
  return `${number(target.measured, 1)} ${target.unit}`;
}

function targetsSection(report) {
  const icon = {
    met: '✅ met',
    missed: '❌ missed',
    measured: 'measured (no ceiling)',
    pending: '⏳ pending',
    'not measured': 'not measured',
  };
  return [
    '## Targets',
    '',
    table(
      ['target', 'framework', 'required', 'measured', 'result'],
      report.targets.map((target) => [
        target.target,
        target.framework ?? dash,
        target.required,
        formatMeasured(target),
        icon[target.status],
      ]),
    ),
    '',
  ].join('\n');
}

function pendingSection(report) {
  const reasons = new Map();
  const rows = [...(report.throughput ?? []), ...(report.startup ?? []), ...(report.memory ?? [])];
  for (const row of [
    ...rows,
    ...(report.logging?.rows ?? []).map((row) => ({ ...row, id: `logging: ${row.label}` })),
  ]) {
    if (row.status === 'pending' && !reasons.has(row.id)) reasons.set(row.id, row.reason);
  }
  if (reasons.size === 0) return [];
  return [
    '**Not run yet** (the harness starts these on its own once the modules below import with these exports):',
    '',
    ...[...reasons].map(([id, reason]) => `- \`${id}\`: ${reason}`),
    '',
  ];
}

export function renderMarkdown(report) {
  const { machine } = report;
  const sections = [
    `# tracewire benchmark (${report.mode} run)`,
    '',
    `- date: ${machine.date}`,
    `- machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGb} GB RAM, ${machine.os}`,
    `- Node.js ${machine.node}; load average (1/5/15 min) at start ${machine.loadAverage.join(' / ')}` +
      (machine.loadAverageAtEnd ? `, at end ${machine.loadAverageAtEnd.join(' / ')}` : ''),
    `- commit: ${machine.gitCommit ?? 'unknown'}` +
      (machine.uncommittedPackageFiles
        ? ` plus uncommitted changes to ${machine.uncommittedPackageFiles} file(s) under packages/`
        : '') +
      `; took ${number(report.durationSeconds)} s`,
    `- sink: ${report.sink.implementation}`,
    ...(machine.packagesBuildAtEnd && machine.packagesBuildAtEnd !== machine.packagesBuildAtStart
      ? ['- ⚠ packages/*/dist was rebuilt during this run: its tracewire numbers mix two builds']
      : []),
    ...(report.settings.profileDir
      ? ['', '> Profiled run: every throughput server ran under the V8 CPU profiler, which slows it down.']
      : []),
    ...(report.mode === 'quick'
      ? [
          '',
          '> Quick run: about a second per variant, one round. It proves the harness works; its numbers mean nothing.',
        ]
      : []),
    '',
    ...pendingSection(report),
  ];
  if (report.throughput) sections.push(throughputSection(report));
  if (report.startup) sections.push(startupSection(report));
  if (report.memory) sections.push(memorySection(report));
  if (report.logging) sections.push(loggingSection(report));
  sections.push(targetsSection(report));
  return `${sections.join('\n')}\n`;
}

/** Writes `<name>.json` and `<name>.md` to `directory`; resolves to their paths. */
export async function writeReport(report, directory, name) {
  await mkdir(directory, { recursive: true });
  const jsonFile = path.join(directory, `${name}.json`);
  const markdownFile = path.join(directory, `${name}.md`);
  await writeFile(jsonFile, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(markdownFile, renderMarkdown(report));
  return { jsonFile, markdownFile };
}

const README_START = '<!-- latest-results:start -->';
const README_END = '<!-- latest-results:end -->';

/**
 * Replaces the results block of bench/README.md (between the latest-results markers) with
 * this report, one heading level down, so the README always shows the last full run.
 */
export async function updateReadme(report) {
  const readmeFile = fileURLToPath(new URL('../README.md', import.meta.url));
  const readme = await readFile(readmeFile, 'utf8');
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start === -1 || end < start)
    throw new Error(`${readmeFile} has no ${README_START} … ${README_END} block`);
  const body = renderMarkdown(report)
    .replace(/^# .*\n/, '')
    .replace(/^(#+) /gm, '$1# ')
    .trim();
  const updated = `${readme.slice(0, start + README_START.length)}\n${body}\n${readme.slice(end)}`;
  await writeFile(readmeFile, updated);
}
