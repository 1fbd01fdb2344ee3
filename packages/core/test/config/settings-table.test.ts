import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { CONFIG_OPTION_NAMES, loadConfig, resolveConfiguration } from '../../src/config/load-config.ts';
import { OTLP_BASE_ENDPOINT_VARIABLE, OTLP_SIGNALS } from '../../src/config/otlp-endpoints.ts';
import { CONFIG_FIELD_PATHS } from '../../src/config/resolved-config.ts';
import { SETTING, SETTINGS, type SettingDefinition, settingFields } from '../../src/config/settings.ts';
import type { TracewireConfig } from '../../src/config/types.ts';
import { CONFIG_VARIABLES } from '../../src/config/variables.ts';
import { pipelinesAffectedBy } from '../../src/init/pipeline-for-issue.ts';
import { createAppDirectory } from './app-directory.ts';

const app = createAppDirectory({ name: 'table-app', version: '1.0.0' });
afterAll(() => app.remove());

const page = fs.readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');

// Values each kind of setting is likely to reject; which ones a kind rejects is asked of the kind itself.
const INVALID_CANDIDATES = [
  'maybe',
  '-1',
  '1.5',
  'not a url',
  'ftp://host',
  'grpc',
  'LOUD',
  'bad header=1',
  '%zz=1',
  'a/b c',
  'None',
  'x'.repeat(300),
  '700000',
  'relative/path',
];

function invalidValueFor(entry: SettingDefinition): string | undefined {
  return INVALID_CANDIDATES.find((candidate) => !entry.kind.fromEnv(candidate).ok);
}

function readPath(source: unknown, field: string): unknown {
  let value = source;
  for (const key of field.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
  return value;
}

function leafPaths(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  const entries = Object.entries(value as Record<string, unknown>);
  // Header and attribute maps are one setting each.
  if (CONFIG_FIELD_PATHS.includes(prefix)) return [prefix];
  return entries.flatMap(([key, child]) => leafPaths(child, prefix === '' ? key : `${prefix}.${key}`));
}

/** The raw secret parts of a resolved value, as the setting's secret shape defines them. */
function secretParts(entry: SettingDefinition, value: unknown): string[] {
  if (entry.secret === 'dsn') return [new URL(String(value)).username];
  if (entry.secret === 'header-list') return Object.values(value as Record<string, string>);
  return [String(value)];
}

function exampleConfig(name: string, example: string): TracewireConfig {
  const result = loadConfig({ env: { [name]: example }, cwd: app.dir });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

describe('the settings table is the one source', () => {
  it('gives the option names: every option is a table entry, and every entry option is accepted', () => {
    const tableOptions = SETTINGS.flatMap((entry) => (entry.option ? [entry.option] : []));
    expect([...CONFIG_OPTION_NAMES]).toEqual(tableOptions);
    for (const entry of SETTINGS) {
      if (!entry.option) continue;
      const example = entry.variables[0]?.example ?? '';
      const parsed = entry.kind.fromEnv(example);
      if (!parsed.ok) throw new Error(`example of ${entry.option} is invalid`);
      const result = loadConfig({ options: { [entry.option]: parsed.value }, cwd: app.dir });
      expect(result.warnings.filter((warning) => warning.code === 'TW_CONFIG_UNKNOWN_OPTION')).toEqual([]);
      if (!result.ok) throw new Error(JSON.stringify(result.issues));
      for (const field of settingFields(entry)) expect(result.config.sources[field]).toBe('code');
    }
    const unknown = loadConfig({ options: { notInTheTable: 1 } as never, cwd: app.dir });
    expect(unknown.warnings.map((warning) => warning.code)).toContain('TW_CONFIG_UNKNOWN_OPTION');
  });

  it('gives the variable list, one row per variable of each entry, in table order', () => {
    expect(CONFIG_VARIABLES.map((variable) => variable.name)).toEqual(
      SETTINGS.flatMap((entry) => entry.variables.map((variable) => variable.name)),
    );
    for (const entry of SETTINGS) {
      for (const variable of entry.variables) {
        const row = CONFIG_VARIABLES.find((candidate) => candidate.name === variable.name);
        expect(row).toMatchObject({
          fields: settingFields(entry),
          option: entry.option,
          secret: entry.secret !== undefined,
          example: variable.example,
          description: variable.description,
        });
      }
    }
  });

  it('gives docs/configuration.md its rows, each with the pipelines the entry switches off', () => {
    for (const entry of SETTINGS) {
      for (const variable of entry.variables) {
        const line = page.split('\n').find((candidate) => candidate.startsWith(`| \`${variable.name}\` |`));
        expect(line, variable.name).toBeDefined();
        const cells = line?.split(' | ') ?? [];
        expect(cells[5]).toBe(entry.pipelines.length > 0 ? entry.pipelines.join(', ') : '—');
        expect(cells[4]).toBe(entry.secret ? 'yes' : 'no');
      }
    }
  });

  it('gives the masked dump its fields: exactly the table fields, in table order', () => {
    const config = exampleConfig('OTEL_SERVICE_NAME', 'checkout-api');
    const { sources, ...dump } = config.toJSON();
    expect(Object.keys(sources as object)).toEqual(
      CONFIG_FIELD_PATHS.filter((field) => field in (sources as object)),
    );
    // Nested objects group their fields, so compare as sets.
    expect(leafPaths(dump).sort()).toEqual([...CONFIG_FIELD_PATHS].sort());
    expect(CONFIG_FIELD_PATHS).toEqual([...new Set(SETTINGS.flatMap((entry) => settingFields(entry)))]);
  });

  it.each(
    SETTINGS.filter((entry) => entry.secret !== undefined).flatMap((entry) =>
      entry.variables.map((variable) => [variable.name, entry, variable.example] as const),
    ),
  )('masks %s in the dump, because its entry is secret', (name, entry, example) => {
    const config = exampleConfig(name, example);
    const printed = JSON.stringify(config);
    for (const field of settingFields(entry)) {
      const raw = readPath(config, field);
      expect(raw).toBeDefined();
      for (const part of secretParts(entry, raw)) {
        expect(part.length).toBeGreaterThan(3);
        expect(printed).not.toContain(part);
      }
    }
  });

  it.each(
    SETTINGS.filter((entry) => entry.secret === undefined && !entry.dump).flatMap((entry) =>
      entry.variables.map((variable) => [variable.name, entry, variable.example] as const),
    ),
  )('prints %s in the dump as resolved, because its entry is not secret', (name, entry, example) => {
    const config = exampleConfig(name, example);
    const dump = config.toJSON();
    for (const field of settingFields(entry)) expect(readPath(dump, field)).toEqual(readPath(config, field));
  });

  it.each(SETTINGS.flatMap((entry) => entry.variables.map((variable) => [variable.name, entry] as const)))(
    'switches off the pipelines of its entry when %s is invalid, and uses the default',
    (name, entry) => {
      const invalid = invalidValueFor(entry);
      if (invalid === undefined) {
        // Any non-blank service name is valid, and a blank variable counts as unset: only
        // the code option can be rejected.
        expect(name).toBe('OTEL_SERVICE_NAME');
        const fromCode = resolveConfiguration({ options: { serviceName: ' ' }, cwd: app.dir });
        expect(fromCode.issues.map((issue) => issue.variable)).toEqual(['options.serviceName']);
        expect([...fromCode.disabled].sort()).toEqual([...entry.pipelines].sort());
        expect(fromCode.config.serviceName).toBe(entry.fallback);
        return;
      }
      // Earlier variables of the same setting win, so leave them unset.
      const { config, issues, disabled } = resolveConfiguration({ env: { [name]: invalid }, cwd: app.dir });
      if (name === 'OTEL_SDK_DISABLED') {
        // The OpenTelemetry specification: anything but "true" is false, with a warning, never an issue.
        expect(issues).toEqual([]);
        expect(config.sdkDisabled).toBe(false);
        return;
      }
      expect(issues.map((issue) => issue.variable)).toEqual([name]);
      expect([...disabled].sort()).toEqual([...entry.pipelines].sort());
      expect(pipelinesAffectedBy(issues[0] as never).sort()).toEqual([...entry.pipelines].sort());
      for (const field of settingFields(entry)) {
        expect(config.sources[field]).toBe('default');
        if (entry.fields === undefined) expect(readPath(config, field)).toEqual(entry.fallback);
      }
    },
  );

  it('agrees with the OTLP endpoint resolver on the per-signal variables and fields', () => {
    expect(SETTING.otlpEndpoint.variables.map((variable) => variable.name)).toEqual([
      OTLP_BASE_ENDPOINT_VARIABLE,
    ]);
    expect(SETTING.otlpEndpoint.fields).toEqual(OTLP_SIGNALS.map((signal) => signal.field));
    for (const signal of OTLP_SIGNALS) {
      const entry = SETTINGS.find((candidate) => candidate.field === signal.field);
      expect(entry?.variables.map((variable) => variable.name)).toEqual([signal.variable]);
    }
  });

  it('maps an invalid code option to the pipelines of its entry too', () => {
    const { issues, disabled } = resolveConfiguration({ options: { sampleRate: 7 }, cwd: app.dir });
    expect(issues.map((issue) => issue.variable)).toEqual(['options.sampleRate']);
    expect([...disabled]).toEqual(['tracing']);
  });
});
