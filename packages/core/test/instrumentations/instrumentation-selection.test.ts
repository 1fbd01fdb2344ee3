import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { DATABASE_INSTRUMENTATIONS } from '../../src/tracing/database-instrumentations.ts';
import { parseInstrumentationSelection } from '../../src/tracing/instrumentation-selection.ts';
import {
  describeDatabaseInstrumentations,
  loadDatabaseInstrumentations,
} from '../../src/tracing/load-database-instrumentations.ts';
import { coreDir } from '../helpers/child-app.ts';
import { createAppDirectory } from '../config/app-directory.ts';

const ALL = ['pg', 'mysql2', 'ioredis', 'redis', 'mongodb'];
const app = createAppDirectory();
afterAll(() => app.remove());

describe('TRACEWIRE_INSTRUMENTATIONS', () => {
  it.each([
    ['default', ALL],
    ['none', []],
    ['pg,ioredis', ['pg', 'ioredis']],
    ['ioredis, PG', ['pg', 'ioredis']],
    ['default,-mongodb', ['pg', 'mysql2', 'ioredis', 'redis']],
    ['-mongodb,-redis', ['pg', 'mysql2', 'ioredis']],
    ['none,mysql2', ['mysql2']],
  ])('%s selects exactly %j', (value, expected) => {
    const result = loadConfig({ env: { TRACEWIRE_INSTRUMENTATIONS: value }, cwd: app.dir });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    expect(result.config.instrumentationSet).toEqual(expected);
    expect(result.config.sources.instrumentationSet).toBe('env:TRACEWIRE_INSTRUMENTATIONS');
  });

  it('defaults to every instrumentation', () => {
    const result = loadConfig({ env: {}, cwd: app.dir });
    expect(result.ok && result.config.instrumentationSet).toEqual(ALL);
  });

  it.each([
    ['ioredsi', 'ioredis'],
    ['default,-mongo', 'mongodb'],
    ['postgres', 'pg'],
    ['postgress', 'pg'],
    ['mysql', 'mysql2'],
    ['defualt', 'default'],
  ])('a misspelt %s is a config issue suggesting %s', (value, suggestion) => {
    const result = loadConfig({ env: { TRACEWIRE_INSTRUMENTATIONS: value }, cwd: app.dir });
    expect(result.ok).toBe(false);
    const issue = !result.ok
      ? result.issues.find((candidate) => candidate.variable === 'TRACEWIRE_INSTRUMENTATIONS')
      : undefined;
    expect(issue?.code).toBe('TW_CONFIG_INVALID_INSTRUMENTATIONS');
    expect(issue?.hint).toContain(`did you mean ${suggestion}?`);
  });

  it('the code option takes the same names, as a string or an array, and wins over the variable', () => {
    const fromArray = loadConfig({
      env: { TRACEWIRE_INSTRUMENTATIONS: 'none' },
      options: { instrumentationSet: ['redis', 'pg'] },
      cwd: app.dir,
    });
    expect(fromArray.ok && fromArray.config.instrumentationSet).toEqual(['pg', 'redis']);
    const misspelt = loadConfig({ options: { instrumentationSet: 'default,-mongdb' }, cwd: app.dir });
    expect(!misspelt.ok && misspelt.issues[0]?.variable).toBe('options.instrumentationSet');
    expect(!misspelt.ok && misspelt.issues[0]?.hint).toContain('did you mean mongodb?');
  });

  it('TRACEWIRE_DB_STATEMENTS is sanitized by default, full on request, anything else an issue', () => {
    const byDefault = loadConfig({ env: {}, cwd: app.dir });
    expect(byDefault.ok && byDefault.config.dbStatements).toBe('sanitized');
    const full = loadConfig({ env: { TRACEWIRE_DB_STATEMENTS: 'FULL' }, cwd: app.dir });
    expect(full.ok && full.config.dbStatements).toBe('full');
    const wrong = loadConfig({ env: { TRACEWIRE_DB_STATEMENTS: 'raw' }, cwd: app.dir });
    expect(!wrong.ok && wrong.issues[0]?.code).toBe('TW_CONFIG_INVALID_DB_STATEMENTS');
  });

  it('parses without a config too, keeping catalogue order', () => {
    expect(parseInstrumentationSelection(['mongodb', 'pg'])).toEqual({ ok: true, names: ['pg', 'mongodb'] });
    expect(parseInstrumentationSelection(' , ')).toMatchObject({ ok: false });
  });
});

describe('which instrumentations are active, and why', () => {
  it('finds the libraries an app directory can resolve', () => {
    const statuses = describeDatabaseInstrumentations({ selected: ALL, searchPaths: [coreDir] });
    expect(statuses.map((status) => [status.name, status.state])).toEqual(
      ALL.map((name) => [name, 'active']),
    );
    expect(statuses.find((status) => status.name === 'redis')?.library?.name).toBe('redis');
  });

  it('reports an instrumentation that fails to load and keeps the others', () => {
    const result = loadDatabaseInstrumentations({
      selected: ['pg', 'ioredis'],
      statements: 'sanitized',
      searchPaths: [coreDir],
      load: (id) => {
        if (id === '@opentelemetry/instrumentation-pg') throw new Error('broken install');
        return require(id);
      },
    });
    expect(result.statuses.find((status) => status.name === 'pg')).toMatchObject({
      state: 'failed',
      reason: 'could not load @opentelemetry/instrumentation-pg: broken install',
    });
    expect(result.instrumentations.map((instrumentation) => instrumentation.instrumentationName)).toEqual([
      '@opentelemetry/instrumentation-ioredis',
    ]);
  });

  it.each(DATABASE_INSTRUMENTATIONS.map((entry) => [entry.name, entry]))(
    '%s: full statements switch on what sanitized leaves out',
    (_name, entry) => {
      const sanitized = entry.create('sanitized', require).getConfig() as Record<string, unknown>;
      const full = entry.create('full', require).getConfig() as Record<string, unknown>;
      expect(full).not.toEqual(sanitized);
      for (const flag of ['enhancedDatabaseReporting', 'maskStatement']) {
        if (flag in full) expect(full[flag]).toBe(flag === 'enhancedDatabaseReporting');
      }
    },
  );
});
