import type { ValueKind } from '../config/value-kinds.ts';
import { DATABASE_INSTRUMENTATION_NAMES, type DatabaseStatements } from './database-instrumentations.ts';
import { parseInstrumentationSelection } from './instrumentation-selection.ts';

const SELECTION_EXPECTED = `a comma-separated list of ${DATABASE_INSTRUMENTATION_NAMES.join(', ')}, default or none; -name removes one`;

/**
 * `TRACEWIRE_INSTRUMENTATIONS` / `instrumentationSet`: which database instrumentations
 * tracewire may load. The option takes the same string, or an array of the same names.
 *
 * @example
 * instrumentationSelectionKind.fromEnv('default,-mongodb'); // { ok: true, value: ['pg', 'mysql2', 'ioredis', 'redis'] }
 */
export const instrumentationSelectionKind: ValueKind<string[]> = {
  code: 'TW_CONFIG_INVALID_INSTRUMENTATIONS',
  expected: SELECTION_EXPECTED,
  hint: 'Example: default,-mongodb or pg,ioredis. Use none to load no database instrumentation.',
  fromEnv(raw) {
    const check = parseInstrumentationSelection(raw);
    return check.ok ? { ok: true, value: check.names } : { ok: false, reason: check.reason };
  },
  fromOption(value) {
    const isNameList = Array.isArray(value) && value.every((item) => typeof item === 'string');
    if (typeof value !== 'string' && !isNameList) return { ok: false, reason: undefined };
    const check = parseInstrumentationSelection(value as string | string[]);
    return check.ok ? { ok: true, value: check.names } : { ok: false, reason: check.reason };
  },
};

const STATEMENT_MODES: readonly DatabaseStatements[] = ['sanitized', 'full'];

/**
 * `TRACEWIRE_DB_STATEMENTS` / `dbStatements`: `sanitized` (default) or `full`.
 *
 * @example
 * dbStatementsKind.fromEnv('FULL'); // { ok: true, value: 'full' }
 */
export const dbStatementsKind: ValueKind<DatabaseStatements> = {
  code: 'TW_CONFIG_INVALID_DB_STATEMENTS',
  expected: 'sanitized or full',
  hint: 'Use sanitized (literal values replaced by ?); full records values and is a privacy risk.',
  fromEnv(raw) {
    const mode = raw.toLowerCase() as DatabaseStatements;
    return STATEMENT_MODES.includes(mode) ? { ok: true, value: mode } : { ok: false, reason: undefined };
  },
  fromOption(value) {
    return STATEMENT_MODES.includes(value as DatabaseStatements)
      ? { ok: true, value: value as DatabaseStatements }
      : { ok: false, reason: undefined };
  },
};
