import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.ts';
import { createSecretScrubber, knownSecretValues } from '../../src/privacy/create-secret-scrubber.ts';

describe('knownSecretValues and createSecretScrubber', () => {
  it('scrubs every secret value a config holds from free text, wherever it appears', () => {
    const result = loadConfig({
      env: {
        SENTRY_DSN: 'https://dsnpublickey0001@o1.ingest.sentry.io/42',
        SENTRY_AUTH_TOKEN: 'sntrys_token_value_0002',
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer otlp-credential-0003,x-scope=tenant-value-0004',
      },
    });
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const scrub = createSecretScrubber(knownSecretValues(result.config));
    const text = scrub(
      'export failed: key dsnpublickey0001, token sntrys_token_value_0002, ' +
        'credential otlp-credential-0003 and tenant-value-0004 rejected; ?password=p1 too',
    );
    for (const secret of [
      'dsnpublickey0001',
      'sntrys_token_value_0002',
      'otlp-credential-0003',
      'tenant-value-0004',
      'p1',
    ])
      expect(text).not.toContain(secret);
    expect(text).toContain('export failed: key ***');
    expect(text).toContain('?password=***');
  });
});
