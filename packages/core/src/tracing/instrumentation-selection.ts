import { closestMatch } from '../config/edit-distance.ts';
import { DATABASE_INSTRUMENTATION_NAMES } from './database-instrumentations.ts';

/** What a `TRACEWIRE_INSTRUMENTATIONS` value selects, or why it cannot be read. */
export type InstrumentationSelectionCheck = { ok: true; names: string[] } | { ok: false; reason: string };

// Names people write for the libraries, pointed at the one spelling tracewire accepts.
const FAMILIAR_NAMES: Readonly<Record<string, string>> = Object.freeze({
  postgres: 'pg',
  postgresql: 'pg',
  'pg-pool': 'pg',
  mysql: 'mysql2',
  mariadb: 'mysql2',
  'node-redis': 'redis',
  '@redis/client': 'redis',
  mongo: 'mongodb',
  mongoose: 'mongodb',
});

/**
 * Reads an instrumentation selection: comma-separated names from the catalogue, `default`
 * (every one), `none`, and `-name` to take one away (`default,-mongodb`). A list of only
 * removals starts from `default`. The result keeps catalogue order.
 *
 * @example
 * parseInstrumentationSelection('default,-mongodb'); // { ok: true, names: ['pg', 'mysql2', 'ioredis', 'redis'] }
 * parseInstrumentationSelection('postgress'); // { ok: false, reason: 'Unknown instrumentation "postgress" (did you mean pg?).' }
 */
export function parseInstrumentationSelection(
  value: string | readonly string[],
): InstrumentationSelectionCheck {
  const tokens = (typeof value === 'string' ? value.split(',') : [...value])
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token !== '');
  if (tokens.length === 0)
    return { ok: false, reason: 'The list is empty; use none to switch every one off.' };

  const selected = new Set<string>(
    tokens.every((token) => token.startsWith('-')) ? DATABASE_INSTRUMENTATION_NAMES : [],
  );
  const unknown: string[] = [];
  for (const token of tokens) {
    const removal = token.startsWith('-');
    const name = removal ? token.slice(1).trim() : token;
    if (!removal && name === 'default') {
      for (const known of DATABASE_INSTRUMENTATION_NAMES) selected.add(known);
    } else if (!removal && name === 'none') {
      selected.clear();
    } else if (DATABASE_INSTRUMENTATION_NAMES.includes(name)) {
      if (removal) selected.delete(name);
      else selected.add(name);
    } else {
      unknown.push(describeUnknown(name));
    }
  }
  if (unknown.length > 0) return { ok: false, reason: unknown.join(' ') };
  return { ok: true, names: DATABASE_INSTRUMENTATION_NAMES.filter((name) => selected.has(name)) };
}

function describeUnknown(name: string): string {
  const candidates = [...DATABASE_INSTRUMENTATION_NAMES, 'default', 'none', ...Object.keys(FAMILIAR_NAMES)];
  const close = FAMILIAR_NAMES[name] ?? closestMatch(name, candidates, 2);
  const suggestion = close === undefined ? undefined : (FAMILIAR_NAMES[close] ?? close);
  return suggestion
    ? `Unknown instrumentation "${name}" (did you mean ${suggestion}?).`
    : `Unknown instrumentation "${name}".`;
}
