// The targets, checked against one run's numbers. Every target is listed in every
// report: "pending" while a tracewire variant cannot run yet, "not measured" when a
// section or variant it needs was filtered out or failed.
import { FRAMEWORKS } from '../variants/registry.mjs';
import { ratio } from './stats.mjs';

function status(required, measured, holds) {
  if (required.some((row) => row?.status === 'pending')) return 'pending';
  if (measured === null || measured === undefined) return 'not measured';
  return holds(measured) ? 'met' : 'missed';
}

export function evaluateTargets({ throughput = [], startup = [], memory = [], logging }) {
  const targets = [];
  const find = (rows, framework, kind) =>
    rows.find((row) => row.framework === framework && row.kind === kind);
  const okValue = (row, key) => (row?.status === 'ok' ? row[key] : null);

  for (const framework of FRAMEWORKS) {
    const bare = find(throughput, framework, 'bare');
    const full = find(throughput, framework, 'tracewire');
    const sampled = find(throughput, framework, 'tracewire-10');
    const sentry = find(throughput, framework, 'sentry');
    const auto = find(throughput, framework, 'otel-auto');
    if (!bare) continue;
    const fullVsBare = ratio(okValue(full, 'reqPerSec'), okValue(bare, 'reqPerSec'));
    targets.push({
      target: 'tracewire full req/s ≥ 50 % of bare',
      framework,
      required: '≥ 50 %',
      measured: fullVsBare,
      unit: 'percent',
      status: status([full, bare], fullVsBare, (value) => value >= 0.5),
    });
    const sampledVsBare = ratio(okValue(sampled, 'reqPerSec'), okValue(bare, 'reqPerSec'));
    targets.push({
      target: 'tracewire 10 % req/s ≥ 75 % of bare',
      framework,
      required: '≥ 75 %',
      measured: sampledVsBare,
      unit: 'percent',
      status: status([sampled, bare], sampledVsBare, (value) => value >= 0.75),
    });
    const fullVsAuto = ratio(okValue(full, 'reqPerSec'), okValue(auto, 'reqPerSec'));
    targets.push({
      target: 'tracewire full req/s ≥ 4× OTel auto-instrumentations',
      framework,
      required: '≥ 4×',
      measured: fullVsAuto,
      unit: 'times',
      status: status([full, auto], fullVsAuto, (value) => value >= 4),
    });
    const fullVsSentry = ratio(okValue(full, 'reqPerSec'), okValue(sentry, 'reqPerSec'));
    targets.push({
      target: 'tracewire full req/s ≥ 7× Sentry 11 with tracing',
      framework,
      required: '≥ 7×',
      measured: fullVsSentry,
      unit: 'times',
      status: status([full, sentry], fullVsSentry, (value) => value >= 7),
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

  if (logging) {
    const tracewireLogger = logging.rows.find((row) => row.mode === 'tracewire');
    const measured = okValue(tracewireLogger, 'ratioToPlain');
    targets.push({
      target: 'tracewire logger lines/s ≥ 85 % of plain pino',
      framework: null,
      required: '≥ 85 %',
      measured,
      unit: 'percent',
      status: status([tracewireLogger], measured, (value) => value >= 0.85),
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
      target: 'tracewire RSS overhead over bare ≤ 40 MB',
      framework,
      required: '≤ 40 MB',
      measured,
      unit: 'MB',
      status: status([full], measured, (value) => value <= 40),
    });
  }
  return targets;
}
