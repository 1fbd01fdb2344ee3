import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/config/edit-distance.ts';
import {
  findMisspeltVariables,
  KNOWN_OTEL_VARIABLES,
  KNOWN_SENTRY_VARIABLES,
} from '../../src/config/find-misspelt-variables.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { CONFIG_VARIABLES } from '../../src/config/variables.ts';

const KNOWN = CONFIG_VARIABLES.map((variable) => variable.name);

function warningsFor(...names: string[]) {
  return findMisspeltVariables(names, KNOWN);
}

describe('misspelt variables', () => {
  it.each([
    ['SENTRY_DNS', 'SENTRY_DSN'],
    ['SENTRY_ENVIROMENT', 'SENTRY_ENVIRONMENT'],
    ['SENTRY_RELASE', 'SENTRY_RELEASE'],
    ['SENTRY_TRACE_SAMPLE_RATES', 'SENTRY_TRACE_SAMPLE_RATE'],
    ['SENTRY_ENV', 'SENTRY_ENVIRONMENT'],
    ['SENTRY_SAMPLE_RATE', 'SENTRY_TRACE_SAMPLE_RATE'],
    ['OTEL_SERVICENAME', 'OTEL_SERVICE_NAME'],
    ['OTEL_EXPORTER_OTLP_ENDPIONT', 'OTEL_EXPORTER_OTLP_ENDPOINT'],
    ['OTEL_EXPORTER_OTLP_HEADER', 'OTEL_EXPORTER_OTLP_HEADERS'],
    ['OTEL_SDK_DISABLE', 'OTEL_SDK_DISABLED'],
    ['TRACEWIRE_METRIC', 'TRACEWIRE_METRICS'],
    ['TRACEWIRE_IGNORE_PATHS', 'TRACEWIRE_IGNORED_PATHS'],
    ['sentry_dsn', 'SENTRY_DSN'],
    ['Tracewire_Strict', 'TRACEWIRE_STRICT'],
  ])('suggests %s → %s', (typo, intended) => {
    const [warning] = warningsFor(typo);
    expect(warning).toMatchObject({ code: 'TW_CONFIG_UNKNOWN_VARIABLE', variable: typo });
    expect(warning?.message).toContain(`Did you mean ${intended}?`);
  });

  it('reports any unknown TRACEWIRE_ variable, listing the known ones when nothing is close', () => {
    const [warning] = warningsFor('TRACEWIRE_COMPLETELY_DIFFERENT_THING');
    expect(warning?.message).toContain('Known: TRACEWIRE_IGNORED_PATHS');
  });

  it('warns that SENTRY_TRACES_SAMPLE_RATE is ignored and names SENTRY_TRACE_SAMPLE_RATE', () => {
    const [warning] = warningsFor('SENTRY_TRACES_SAMPLE_RATE');
    expect(warning?.code).toBe('TW_CONFIG_IGNORED_VARIABLE');
    expect(warning?.message).toContain('Use SENTRY_TRACE_SAMPLE_RATE instead');
  });

  it.each(['OTEL_TRACES_SAMPLER', 'OTEL_TRACES_SAMPLER_ARG', 'OTEL_EXPORTER_PROMETHEUS_PORT'])(
    'warns that %s is ignored',
    (name) => {
      expect(warningsFor(name)[0]?.code).toBe('TW_CONFIG_IGNORED_VARIABLE');
    },
  );

  it('leaves tracewire’s own variables and the legitimate Sentry and OpenTelemetry ones alone', () => {
    expect(warningsFor(...KNOWN, ...KNOWN_SENTRY_VARIABLES, ...KNOWN_OTEL_VARIABLES)).toEqual([]);
  });

  it('leaves unrelated variables alone', () => {
    expect(
      warningsFor('PATH', 'HOME', 'NODE_ENV', 'SENTRY_SOMETHING_ELSE_ENTIRELY', 'OTEL_BSP_MAX_QUEUE_SIZE'),
    ).toEqual([]);
  });

  it('counts a swap of two neighbouring letters as one edit', () => {
    expect(editDistance('SENTRY_DNS', 'SENTRY_DSN')).toBe(1);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('is part of loadConfig and never quotes the value, which may be a secret', () => {
    const secret = 'https://b16c6b1e5b8c4a41@o1.ingest.sentry.io/77';
    const result = loadConfig({ env: { SENTRY_DNS: secret }, cwd: '/nonexistent' });
    const warning = result.warnings.find((candidate) => candidate.variable === 'SENTRY_DNS');
    expect(warning?.message).toContain('Did you mean SENTRY_DSN?');
    expect(JSON.stringify(result.warnings)).not.toContain('b16c6b1e5b8c4a41');
  });
});
