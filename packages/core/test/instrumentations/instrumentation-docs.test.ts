// The configuration reference and the core README list every database instrumentation
// of the catalogue, in its order, with the same table.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DATABASE_INSTRUMENTATIONS } from '../../src/tracing/database-instrumentations.ts';

const read = (relative: string) => fs.readFileSync(new URL(relative, import.meta.url), 'utf8');
const configuration = read('../../../../docs/configuration.md');
const readme = read('../../README.md');

function tableRows(page: string, afterHeading: string): string[][] {
  const start = page.indexOf(afterHeading);
  expect(start).toBeGreaterThan(-1);
  const lines = page.slice(start).split('\n');
  const first = lines.findIndex((line) => line.startsWith('| Name |'));
  const rows: string[][] = [];
  for (const line of lines.slice(first + 2)) {
    if (!line.startsWith('|')) break;
    rows.push(
      line
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((cell) => cell.trim().replaceAll('`', '')),
    );
  }
  return rows;
}

describe('database instrumentation docs', () => {
  const documented = tableRows(configuration, '<!-- database-instrumentations:start -->');

  it('docs/configuration.md lists each instrumentation with its package, what it records and never records', () => {
    expect(documented.map((row) => row[0])).toEqual(DATABASE_INSTRUMENTATIONS.map((entry) => entry.name));
    for (const entry of DATABASE_INSTRUMENTATIONS) {
      const row = documented.find((candidate) => candidate[0] === entry.name) ?? [];
      expect(row[2]).toContain(entry.packageName);
      for (const library of entry.libraries) expect(row[1]).toContain(library);
      expect(row[3]).not.toBe('');
      expect(row[4]).not.toBe('');
    }
  });

  it('the core README has the same table', () => {
    expect(tableRows(readme, '## Database and cache spans')).toEqual(documented);
  });

  it('names every variable the database settings read', () => {
    for (const name of ['TRACEWIRE_INSTRUMENTATIONS', 'TRACEWIRE_DB_STATEMENTS']) {
      expect(configuration).toContain(name);
      expect(readme).toContain(name);
    }
  });
});
