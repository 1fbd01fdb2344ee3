// The targets, checked against one run's numbers. Every target is listed in every
// report: "pending" while a tracewire variant cannot run yet, "not measured" when a
// section or variant it needs was filtered out or failed.
//
// The throughput targets are stated as server CPU per request against bare in the same
// run: req/s ratios depend on which process (server, autocannon, sink) is the bottleneck
// on a small machine, CPU per request does not. req/s stays as a second view.
import { FRAMEWORKS } from '../variants/registry.mjs';
import { ratio } from './stats.mjs';

// Per framework: the ceilings of tracewire's CPU per request (× bare), and tracewire's
// overhead as a share of the auto-instrumentations' overhead. Fastify's are looser because
// its bare server does less per request and the auto-instrumentations only add the http
// span there.
export const CPU_TARGETS = {
  express: { full: 2.0, sampled: 1.5, shareOfAuto: 1 / 4 },
  fastify: { full: 2.5, sampled: 1.8, shareOfAuto: 1 / 2 },
  koa: { full: 2.0, sampled: 1.5, shareOfAuto: 1 / 4 },
};

const FRACTION_LABEL = { 0.25: '¼', 0.5: '½' };

function status(required, measured, holds) {
  if (required.some((row) => row?.status === 'pending')) return 'pending';
  if (measured === null || measured === undefined || Number.isNaN(measured)) return 'not measured';
  return holds(measured) ? 'met' : 'missed';
}

export function evaluateTargets({ throughput = [], startup = [], memory = [], logging, sentryWithoutDsn }) {
  const targets = [];
  const find = (rows, framework, kind) =>
    rows.find((row) => row.framework === framework && row.kind === kind);
  const okValue = (row, key) => (row?.status === 'ok' ? row[key] : null);
  const cpu = (row) => okValue(row, 'cpuMicrosPerRequest');

  for (const framework of FRAMEWORKS) {
    const bare = find(throughput, framework, 'bare');
    const full = find(throughput, framework, 'tracewire');
    const sampled = find(throughput, framework, 'tracewire-10');
    const withLogs = find(throughput, framework, 'tracewire-logs');
    const auto = find(throughput, framework, 'otel-auto');
    if (!bare) continue;
    const limits = CPU_TARGETS[framework];

    const fullCpu = ratio(cpu(full), cpu(bare));
    targets.push({
      target: 'tracewire full server CPU per request ≤ × bare',
      framework,
      required: `≤ ${limits.full.toFixed(1)}×`,
      measured: fullCpu,
      unit: 'times',
      status: status([full, bare], fullCpu, (value) => value <= limits.full),
    });
    const sampledCpu = ratio(cpu(sampled), cpu(bare));
    targets.push({
      target: 'tracewire 10 % server CPU per request ≤ × bare',
      framework,
      required: `≤ ${limits.sampled.toFixed(1)}×`,
      measured: sampledCpu,
      unit: 'times',
      status: status([sampled, bare], sampledCpu, (value) => value <= limits.sampled),
    });
    // Overhead is CPU above bare; tracewire's as a share of the auto-instrumentations'.
    // Like for like: the auto-instrumentations export their log records over OTLP, so the
    // comparison uses tracewire with OTLP log export on (tracewire full when that variant
    // was not run).
    const overhead = (row) => (cpu(row) !== null && cpu(bare) !== null ? cpu(row) - cpu(bare) : null);
    const autoOverhead = overhead(auto);
    const compared = withLogs ?? full;
    const share =
      autoOverhead !== null && autoOverhead > 0 && overhead(compared) !== null
        ? overhead(compared) / autoOverhead
        : null;
    targets.push({
      target: `tracewire CPU overhead ≤ ${FRACTION_LABEL[limits.shareOfAuto]} of the auto-instrumentations’ (both exporting logs over OTLP)`,
      framework,
      required: `≤ ${Math.round(limits.shareOfAuto * 100)} %`,
      measured: share,
      unit: 'percent',
      status: status([compared, auto, bare], share, (value) => value <= limits.shareOfAuto),
    });
    // No ceiling of its own: what OTLP log export adds to tracewire full, in µs per request
    // (main thread and log worker together), reported beside the targets.
    const logsCost = cpu(withLogs) !== null && cpu(full) !== null ? cpu(withLogs) - cpu(full) : null;
    const logsStatus = status([withLogs, full], logsCost, () => true);
    targets.push({
      target: 'OTLP log export’s own cost: CPU per request above tracewire full',
      framework,
      required: 'measured',
      measured: logsCost,
      unit: 'µs',
      status: logsStatus === 'met' ? 'measured' : logsStatus,
    });
    const fullVsBare = ratio(okValue(full, 'reqPerSec'), okValue(bare, 'reqPerSec'));
    targets.push({
      target: 'tracewire full req/s ≥ 50 % of bare (second view)',
      framework,
      required: '≥ 50 %',
      measured: fullVsBare,
      unit: 'percent',
      status: status([full, bare], fullVsBare, (value) => value >= 0.5),
    });
    const sampledVsBare = ratio(okValue(sampled, 'reqPerSec'), okValue(bare, 'reqPerSec'));
    targets.push({
      target: 'tracewire 10 % req/s ≥ 75 % of bare (second view)',
      framework,
      required: '≥ 75 %',
      measured: sampledVsBare,
      unit: 'percent',
      status: status([sampled, bare], sampledVsBare, (value) => value >= 0.75),
    });
  }

  for (const framework of FRAMEWORKS) {
    const full = find(startup, framework, 'tracewire');
    const auto = find(startup, framework, 'otel-auto');
    if (!full && !auto) continue;
    // Overhead over bare, as a fraction of the auto-instrumentations' overhead.
    const share = ratio(okValue(full, 'overheadMs'), okValue(auto, 'overheadMs'));
    targets.push({
      target: 'tracewire startup overhead ≤ ⅓ of the auto-instrumentations’ overhead',
      framework,
      required: '≤ 33 %',
      measured: share,
      unit: 'percent',
      status: status([full, auto], share, (value) => value <= 1 / 3),
    });
  }

  if (sentryWithoutDsn) {
    // Counted by a module load hook in a process that initialises tracewire without a DSN.
    const measured = okValue(sentryWithoutDsn, 'sentryModules');
    targets.push({
      target: 'a service without a DSN loads no Sentry SDK module',
      framework: null,
      required: '0 modules',
      measured,
      unit: 'modules',
      status: status([sentryWithoutDsn], measured, (value) => value === 0),
    });
  }

  if (logging) {
    // Time per line against a plain pino line that carries the same fields (the plain mode
    // of bench/logging.mjs writes trace_id/span_id/trace_flags as bindings), so the target
    // measures the logger's overhead, not the extra fields.
    const tracewireLogger = logging.rows.find((row) => row.mode === 'tracewire');
    const lineRatio = okValue(tracewireLogger, 'ratioToPlain');
    const measured = lineRatio ? 1 / lineRatio : null;
    targets.push({
      target: 'tracewire log line ≤ 1.25× a plain pino line with the same fields',
      framework: null,
      required: '≤ 1.25×',
      measured,
      unit: 'times',
      status: status([tracewireLogger], measured, (value) => value <= 1.25),
    });
    const withExport = logging.rows.find((row) => row.mode === 'tracewire-otlp');
    const exportCost = okValue(withExport, 'mainThreadRatioToNoExport');
    targets.push({
      target: 'main-thread CPU per line with OTLP log export ≤ 1.3× without',
      framework: null,
      required: '≤ 1.3×',
      measured: exportCost,
      unit: 'times',
      status: status([withExport, tracewireLogger], exportCost, (value) => value <= 1.3),
    });
  }

  for (const framework of FRAMEWORKS) {
    const full = find(memory, framework, 'tracewire');
    if (!full) continue;
    const measured = okValue(full, 'overheadMb');
    targets.push({
      target: 'tracewire RSS after 50k requests ≤ bare + 120 MB',
      framework,
      required: '≤ 120 MB',
      measured,
      unit: 'MB',
      status: status([full], measured, (value) => value <= 120),
    });
  }
  return targets;
}
