import { describe, expect, it } from 'vitest';
import { createRateLimitedReporter } from '../../src/diagnostics/rate-limited-reporter.ts';
import { createSecretScrubber } from '../../src/privacy/create-secret-scrubber.ts';

describe('createSecretScrubber', () => {
  it('masks known secrets and URL credentials', () => {
    const scrub = createSecretScrubber(['publickey123', 'tok', undefined, 'Bearer abcdef']);
    expect(scrub('POST http://publickey123@host/api/1 failed')).toBe('POST http://***@host/api/1 failed');
    expect(scrub('header Bearer abcdef sent; key publickey123')).toBe('header *** sent; key ***');
    expect(scrub('https://user:pass@collector:4318/v1/traces')).toBe('https://***@collector:4318/v1/traces');
    // Secrets shorter than four characters would mask ordinary words.
    expect(scrub('token tok')).toBe('token tok');
  });
});

describe('createRateLimitedReporter', () => {
  it('reports a problem once per window and counts repeats', () => {
    let now = 0;
    const reported: Array<{ fields: Record<string, unknown>; message: string }> = [];
    const reporter = createRateLimitedReporter(
      (_level, fields, message) => reported.push({ fields, message }),
      (text) => text.replace('secret', '***'),
      1000,
      () => now,
    );
    const problem = {
      signal: 'spans',
      endpoint: 'http://collector:4318/v1/traces',
      reason: 'secret rejected',
    };
    reporter.report('TW_EXPORT_FAILED', problem);
    reporter.report('TW_EXPORT_FAILED', problem);
    reporter.report('TW_EXPORT_FAILED', problem);
    expect(reported).toHaveLength(1);
    expect(reported[0]?.message).toContain(
      'TW_EXPORT_FAILED: Exporting spans to http://collector:4318/v1/traces failed',
    );
    expect(reported[0]?.message).not.toContain('secret');
    now = 1500;
    reporter.report('TW_EXPORT_FAILED', problem);
    expect(reported).toHaveLength(2);
    expect(reported[1]?.fields.repeated).toBe(2);
  });

  it('never throws when the sink does', () => {
    const reporter = createRateLimitedReporter(
      () => {
        throw new Error('sink broken');
      },
      (text) => text,
    );
    expect(() => reporter.report('TW_SENTRY_DELIVERY_FAILED', { reason: 'x' })).not.toThrow();
  });
});
