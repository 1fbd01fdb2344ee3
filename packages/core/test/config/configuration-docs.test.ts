import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { ENVIRONMENT_DETECTION_VARIABLES } from '../../src/config/environment-detection.ts';
import { CONFIG_OPTION_NAMES, loadConfig } from '../../src/config/load-config.ts';
import type { DetectionVariable } from '../../src/config/platform-detection.ts';
import { RELEASE_DETECTION_VARIABLES } from '../../src/config/release-detection.ts';
import { CONFIG_FIELD_PATHS } from '../../src/config/resolved-config.ts';
import { settingNamed } from '../../src/config/settings.ts';
import { SHUTDOWN_WINDOW_VARIABLES } from '../../src/config/shutdown-window-detection.ts';
import { CONFIG_VARIABLES } from '../../src/config/variables.ts';
import { createAppDirectory } from './app-directory.ts';

const page = fs.readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');
const app = createAppDirectory();
afterAll(() => app.remove());

/** The rows of the Markdown table between `<!-- name:start -->` and `<!-- name:end -->`, keyed by header. */
function tableBetween(marker: string): Record<string, string>[] {
  const start = page.indexOf(`<!-- ${marker}:start -->`);
  const end = page.indexOf(`<!-- ${marker}:end -->`);
  if (start === -1 || end === -1) throw new Error(`docs/configuration.md has no ${marker} table markers`);
  const lines = page
    .slice(start, end)
    .split('\n')
    .filter((line) => line.trim().startsWith('|'));
  const [header, separator, ...rows] = lines.map(splitRow);
  expect(separator?.every((cell) => /^-+$/.test(cell))).toBe(true);
  return rows.map((cells) =>
    Object.fromEntries((header ?? []).map((name, index) => [name, cells[index] ?? ''])),
  );
}

// Cells may use code spans and escaped pipes; what is compared is the plain text.
function splitRow(line: string): string[] {
  return line
    .trim()
    .replace(/^\||\|$/g, '')
    .split(/(?<!\\)\|/)
    .map((cell) => cell.trim().replaceAll('\\|', '|').replaceAll('`', ''));
}

const NONE = '—';

describe('docs/configuration.md and the variable schema', () => {
  const documented = tableBetween('variables');

  it('documents every variable the schema has, and no other', () => {
    expect(documented.map((row) => row.Variable)).toEqual(CONFIG_VARIABLES.map((variable) => variable.name));
  });

  it.each(CONFIG_VARIABLES.map((variable) => [variable.name, variable]))(
    'agrees with the schema on %s',
    (name, variable) => {
      const row = documented.find((candidate) => candidate.Variable === name);
      expect(row).toEqual({
        Variable: variable.name,
        Option: variable.option ?? NONE,
        Type: variable.type,
        Default: variable.default,
        Secret: variable.secret ? 'yes' : 'no',
        'Off when invalid': settingNamed(name)?.pipelines.join(', ') || NONE,
        Example: variable.example,
        Description: variable.description,
      });
    },
  );

  it.each([
    ['release-detection', RELEASE_DETECTION_VARIABLES],
    ['environment-detection', ENVIRONMENT_DETECTION_VARIABLES],
  ] as const)('documents the %s variables in order', (marker, variables: readonly DetectionVariable[]) => {
    expect(tableBetween(marker)).toEqual(
      variables.map((variable) => ({
        Variable: variable.variable,
        Attribute: variable.attribute ?? NONE,
        Platform: variable.platform,
      })),
    );
  });
});

describe('the variable schema and loadConfig', () => {
  it.each(CONFIG_VARIABLES.map((variable) => [variable.name, variable]))(
    'reads %s: its example is valid and sets the fields the schema names',
    (name, variable) => {
      const result = loadConfig({ env: { [name]: variable.example }, cwd: app.dir });
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      for (const field of variable.fields) expect(result.config.sources[field]).toBe(`env:${name}`);
    },
  );

  it('documents the platforms whose kill window sets the shutdown budget, in order', () => {
    expect(tableBetween('shutdown-detection')).toEqual(
      SHUTDOWN_WINDOW_VARIABLES.map((variable) => ({
        Variable: variable.variable,
        Platform: variable.platform,
        'Kill window': variable.window,
      })),
    );
  });

  it('reads no environment variable the docs do not list', () => {
    const read = new Set<string>();
    const recordingEnv = new Proxy({} as Record<string, string | undefined>, {
      get: (_, name) => {
        if (typeof name === 'string') read.add(name);
        return undefined;
      },
    });
    loadConfig({ env: recordingEnv, cwd: app.dir });
    const documented = new Set([
      ...CONFIG_VARIABLES.map((variable) => variable.name),
      ...RELEASE_DETECTION_VARIABLES.map((variable) => variable.variable),
      ...ENVIRONMENT_DETECTION_VARIABLES.map((variable) => variable.variable),
      ...SHUTDOWN_WINDOW_VARIABLES.map((variable) => variable.variable),
    ]);
    // NETLIFY only gates CONTEXT, and the page says so next to CONTEXT.
    const undocumented = [...read].filter((name) => !documented.has(name) && name !== 'NETLIFY');
    expect(undocumented).toEqual([]);
    expect(page).toContain('only when NETLIFY is true');
  });

  it('maps every code option to a documented variable, and every config field to a variable', () => {
    const options = new Set(CONFIG_VARIABLES.map((variable) => variable.option).filter(Boolean));
    expect([...options].sort()).toEqual([...CONFIG_OPTION_NAMES].sort());
    const fields = new Set(CONFIG_VARIABLES.flatMap((variable) => variable.fields));
    expect([...fields].sort()).toEqual([...CONFIG_FIELD_PATHS].sort());
  });
});
