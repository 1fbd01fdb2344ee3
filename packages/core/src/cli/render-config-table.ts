import type { TracewireConfig } from '../config/types.ts';
import type { DatabaseInstrumentationStatus } from '../tracing/load-database-instrumentations.ts';

/** One row of the `tracewire config` table. */
export interface ConfigRow {
  field: string;
  value: string;
  source: string;
}

/**
 * Flattens the masked dump of a config into rows of field, value and source. Only the
 * dump is read, so nothing printed here can hold an unmasked secret.
 *
 * @example
 * configRows(config); // [{ field: 'serviceName', value: 'checkout-api', source: 'env:OTEL_SERVICE_NAME' }, ...]
 */
export function configRows(config: TracewireConfig): ConfigRow[] {
  const { sources, ...values } = config.toJSON() as Record<string, unknown> & {
    sources: Record<string, string>;
  };
  const rows: ConfigRow[] = [];
  const visit = (value: unknown, path: string): void => {
    // Header and attribute maps are one setting each, with one source: shown on one row.
    if (isPlainObject(value) && sources[path] === undefined) {
      for (const [key, child] of Object.entries(value)) visit(child, path === '' ? key : `${path}.${key}`);
      return;
    }
    rows.push({ field: path, value: displayValue(value), source: sources[path] ?? 'default' });
  };
  visit(values, '');
  return rows;
}

/**
 * Renders rows as an aligned plain-text table.
 *
 * @example
 * renderConfigTable(configRows(config));
 */
export function renderConfigTable(rows: readonly ConfigRow[]): string {
  const header: ConfigRow = { field: 'FIELD', value: 'VALUE', source: 'SOURCE' };
  const all = [header, ...rows];
  const fieldWidth = Math.max(...all.map((row) => row.field.length));
  const valueWidth = Math.max(...all.map((row) => row.value.length));
  return all
    .map((row) => `${row.field.padEnd(fieldWidth)}  ${row.value.padEnd(valueWidth)}  ${row.source}`.trimEnd())
    .join('\n');
}

/**
 * Renders the database instrumentations as a table: name, state (active, not installed,
 * switched off, failed) and why.
 *
 * @example
 * renderInstrumentationTable(describeDatabaseInstrumentations({ selected: ['pg'] }));
 */
export function renderInstrumentationTable(statuses: readonly DatabaseInstrumentationStatus[]): string {
  const rows = [
    ['INSTRUMENTATION', 'STATE', 'WHY'],
    ...statuses.map((status) => [status.name, status.state, status.reason]),
  ];
  const nameWidth = Math.max(...rows.map((row) => (row[0] as string).length));
  const stateWidth = Math.max(...rows.map((row) => (row[1] as string).length));
  return rows
    .map(
      ([name, state, why]) =>
        `${(name as string).padEnd(nameWidth)}  ${(state as string).padEnd(stateWidth)}  ${why}`,
    )
    .join('\n');
}

function displayValue(value: unknown): string {
  if (value === null || value === undefined) return '(unset)';
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.join(',');
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    return entries.length === 0
      ? '(none)'
      : entries.map(([key, entry]) => `${key}=${String(entry)}`).join(',');
  }
  return String(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
