// docs/troubleshooting.md names every check the doctor can print, so a new check cannot
// ship without the symptom and fix a user will look up.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OTLP_SIGNALS } from '../../../src/config/otlp-endpoints.ts';

const doctorSource = fileURLToPath(new URL('../../../src/cli/doctor/', import.meta.url));
const troubleshooting = fileURLToPath(new URL('../../../../../docs/troubleshooting.md', import.meta.url));

function checkIdsInSource(): string[] {
  const ids = new Set<string>();
  for (const file of fs.readdirSync(doctorSource)) {
    const text = fs.readFileSync(path.join(doctorSource, file), 'utf8');
    for (const match of text.matchAll(
      /'((?:sentry|otlp|prometheus|platform|config)\.[a-z][a-z.-]*[a-z])'/g,
    )) {
      ids.add(match[1]!);
    }
    // The OTLP checks are named from the signal in a template literal.
    if (/`otlp\.\$\{name\}\.export`/.test(text)) {
      for (const signal of OTLP_SIGNALS) ids.add(`otlp.${signal.path.slice(3)}.export`);
    }
  }
  return [...ids].sort();
}

describe('docs/troubleshooting.md', () => {
  it('covers every doctor check', () => {
    const ids = checkIdsInSource();
    expect(ids).toContain('sentry.ingest.envelope');
    expect(ids).toContain('otlp.logs.export');
    const docs = fs.readFileSync(troubleshooting, 'utf8');
    expect(ids.filter((id) => !docs.includes(id))).toEqual([]);
  });

  it('is linked from the README and the core README', () => {
    const root = fileURLToPath(new URL('../../../../../', import.meta.url));
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain('(docs/troubleshooting.md)');
    expect(fs.readFileSync(path.join(root, 'packages/core/README.md'), 'utf8')).toContain(
      '(../../docs/troubleshooting.md)',
    );
  });
});
