import fs from 'node:fs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type ConfigIssueCode,
  errorCatalogue,
  formatTracewireMessage,
  TRACEWIRE_ERROR_CODES,
  type TracewireErrorCode,
} from '../../src/errors/catalogue.ts';
import type * as publicApi from '../../src/index.ts';

const page = fs.readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');

/** Each `### CODE` section of docs/errors.md, keyed by code. */
function documentedSections(): Map<string, string> {
  const sections = new Map<string, string>();
  const parts = page.split(/^### /m).slice(1);
  for (const part of parts) {
    const [heading = '', ...body] = part.split('\n');
    sections.set(heading.trim(), body.join('\n').split(/^## /m)[0] ?? '');
  }
  return sections;
}

describe('the error catalogue, docs/errors.md and the code type', () => {
  const sections = documentedSections();

  it('documents exactly the codes in the catalogue', () => {
    expect([...sections.keys()].sort()).toEqual([...TRACEWIRE_ERROR_CODES].sort());
  });

  it.each(TRACEWIRE_ERROR_CODES.map((code) => [code]))(
    'gives %s its catalogue title, severity, meaning and fix',
    (code) => {
      const section = sections.get(code) ?? '';
      const { title, severity } = errorCatalogue[code];
      expect(section).toContain(`**${title}** · Severity: ${severity}`);
      expect(section).toMatch(/\*\*Fix:\*\* \S/);
      // A meaning paragraph between the title line and the fix.
      expect(
        section
          .split('**Fix:**')[0]
          ?.split('\n')
          .filter((line) => line.trim() !== '').length,
      ).toBeGreaterThan(1);
    },
  );

  it('names every code in TW_ form, which isTracewireError relies on', () => {
    for (const code of TRACEWIRE_ERROR_CODES) expect(code).toMatch(/^TW_[A-Z_]+$/);
  });

  it('has the codes the pipelines rely on', () => {
    expect(TRACEWIRE_ERROR_CODES).toEqual(
      expect.arrayContaining([
        'TW_CONFIG_INVALID',
        'TW_ALREADY_INITIALIZED',
        'TW_EXPORT_FAILED',
        'TW_SENTRY_DELIVERY_FAILED',
        'TW_SHUTDOWN_TIMEOUT',
        'TW_INCOMING_HEADER_INVALID',
        'TW_LOCAL_VARIABLES_ENABLED',
      ]),
    );
  });

  // Type assertions: they fail the typecheck that `pnpm test` runs before vitest.
  it('exports a code type equal to the catalogue’s keys', () => {
    expectTypeOf<(typeof TRACEWIRE_ERROR_CODES)[number]>().toEqualTypeOf<TracewireErrorCode>();
    expectTypeOf<keyof typeof errorCatalogue>().toEqualTypeOf<TracewireErrorCode>();
    expectTypeOf<ConfigIssueCode>().toExtend<TracewireErrorCode>();
    expectTypeOf<publicApi.TracewireErrorCode>().toEqualTypeOf<TracewireErrorCode>();
    expectTypeOf<(typeof publicApi.TRACEWIRE_ERROR_CODES)[number]>().toEqualTypeOf<TracewireErrorCode>();
  });
});

describe('message builders', () => {
  it('builds config issue messages from variable, received, expected and hint', () => {
    const message = formatTracewireMessage('TW_CONFIG_INVALID_PORT', {
      variable: 'TRACEWIRE_PROMETHEUS_PORT',
      received: '"99999"',
      expected: 'an integer from 0 to 65535',
      hint: 'Use 9464.',
    });
    expect(message).toBe(
      'Invalid port: TRACEWIRE_PROMETHEUS_PORT is "99999"; expected an integer from 0 to 65535. Use 9464.',
    );
  });

  it('masks credentials in an endpoint named by TW_EXPORT_FAILED', () => {
    const message = formatTracewireMessage('TW_EXPORT_FAILED', {
      signal: 'traces',
      endpoint: 'https://user:secret@tempo.example.com/v1/traces',
      reason: 'ECONNREFUSED',
    });
    expect(message).toContain('https://***@tempo.example.com/v1/traces');
    expect(message).not.toContain('secret');
  });

  it('lists pending work in TW_SHUTDOWN_TIMEOUT', () => {
    expect(
      formatTracewireMessage('TW_SHUTDOWN_TIMEOUT', { timeoutMs: 5000, pending: ['traces', 'sentry'] }),
    ).toContain('within 5000 ms (still flushing: traces, sentry)');
  });

  it('builds a message for every code', () => {
    const sampleParams: Record<string, unknown> = {
      variable: 'X',
      received: '"y"',
      expected: 'z',
      hint: 'h',
      suggestion: undefined,
      replacement: 'R',
      reason: 'r',
      option: 'o',
      environment: 'production',
      field: 'release',
      endpoint: 'http://h:4317',
      issues: [],
      signal: 'traces',
      timeoutMs: 1,
      pending: [],
      header: 'traceparent',
    };
    for (const code of TRACEWIRE_ERROR_CODES) {
      const message = formatTracewireMessage(code, sampleParams as never);
      expect(message.length, code).toBeGreaterThan(10);
    }
  });
});
