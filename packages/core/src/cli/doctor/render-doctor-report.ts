import type { DoctorCheck } from './doctor-types.ts';

/**
 * The report as text: one line per check under its destination, the fix on the same
 * line, then a count. Checks arrive masked; nothing is added here but labels.
 *
 * @example
 * renderDoctorText(checks);
 * // Sentry ingest  http://***@localhost:9000/1
 * //   pass  sentry.ingest.envelope  an envelope that creates no issue was accepted (200).
 */
export function renderDoctorText(checks: readonly DoctorCheck[]): string {
  const groups = new Map<string, DoctorCheck[]>();
  for (const check of checks)
    groups.set(check.destination, [...(groups.get(check.destination) ?? []), check]);
  const sections = [...groups].map(([destination, lines]) => {
    const targets = new Set(lines.map((line) => line.target));
    const shared = targets.size === 1 ? [...targets][0] : undefined;
    const header = shared === undefined ? destination : `${destination}  ${shared}`;
    const body = lines.map((line) => {
      const target = shared === undefined && line.target !== undefined ? ` (${line.target})` : '';
      const fix = line.fix === undefined ? '' : `  Fix: ${line.fix}`;
      return `  ${line.status.padEnd(4)}  ${line.check}${target}  ${line.message}${fix}`;
    });
    return [header, ...body].join('\n');
  });
  return `tracewire doctor\n\n${sections.join('\n\n')}\n\n${summary(checks)}\n`;
}

/**
 * The report as JSON for machines: `{ ok, summary, checks }`.
 *
 * @example
 * JSON.parse(renderDoctorJson(checks)).ok; // false when any check failed
 */
export function renderDoctorJson(checks: readonly DoctorCheck[]): string {
  const count = (status: DoctorCheck['status']): number =>
    checks.filter((check) => check.status === status).length;
  return `${JSON.stringify(
    {
      ok: count('fail') === 0,
      summary: { pass: count('pass'), warn: count('warn'), fail: count('fail') },
      checks,
    },
    null,
    2,
  )}\n`;
}

function summary(checks: readonly DoctorCheck[]): string {
  const count = (status: DoctorCheck['status']): number =>
    checks.filter((check) => check.status === status).length;
  const failed = count('fail');
  const warned = count('warn');
  const verdict = failed > 0 ? 'Some checks failed.' : 'Every check passed.';
  return `${verdict} ${count('pass')} passed, ${warned} warning${warned === 1 ? '' : 's'}, ${failed} failed.`;
}
