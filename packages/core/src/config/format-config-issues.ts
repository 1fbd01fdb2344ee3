import type { ConfigIssue, ConfigWarning } from './types.ts';

/** Where every code is explained. */
export const ERRORS_DOCS_URL = 'https://github.com/tracewire/tracewire/blob/main/docs/errors.md';

/**
 * Renders configuration issues as one message a person can act on: every issue, each
 * with the variable, what was received (already masked when secret), what is expected
 * and the fix.
 *
 * @example
 * const result = loadConfig();
 * if (!result.ok) console.error(formatConfigIssues(result.issues));
 */
export function formatConfigIssues(issues: readonly ConfigIssue[]): string {
  if (issues.length === 0) return 'tracewire configuration: no problems found.';
  const heading = `tracewire configuration has ${issues.length} problem${issues.length === 1 ? '' : 's'}:`;
  const blocks = issues.map((issue) =>
    [
      `  ${issue.variable}  (${issue.code})`,
      `    received  ${issue.received}`,
      `    expected  ${issue.expected}`,
      `    fix       ${issue.hint}`,
    ].join('\n'),
  );
  return [heading, ...blocks, `Every code is explained at ${ERRORS_DOCS_URL}`].join('\n\n');
}

/**
 * Renders configuration warnings: likely typos and risky settings that do not stop startup.
 *
 * @example
 * const result = loadConfig();
 * if (result.warnings.length > 0) console.warn(formatConfigWarnings(result.warnings));
 */
export function formatConfigWarnings(warnings: readonly ConfigWarning[]): string {
  if (warnings.length === 0) return 'tracewire configuration: no warnings.';
  const heading = `tracewire configuration has ${warnings.length} warning${warnings.length === 1 ? '' : 's'}:`;
  const lines = warnings.map((warning) => `  ${warning.variable}  (${warning.code})\n    ${warning.message}`);
  return [heading, ...lines].join('\n\n');
}
