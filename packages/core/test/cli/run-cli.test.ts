import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_INVALID_CONFIG, EXIT_OK, EXIT_USAGE, runCli } from '../../src/cli/run-cli.ts';
import { TRACEWIRE_VERSION } from '../../src/version.ts';
import { createAppDirectory } from '../config/app-directory.ts';

const app = createAppDirectory({ name: 'cli-app', version: '0.3.0' });
afterAll(() => app.remove());

const DSN_KEY = '6f1ed002ab5595859014ebf0951522d9';
const VALID_ENV = {
  SENTRY_DSN: `https://${DSN_KEY}@o1.ingest.sentry.io/42`,
  SENTRY_AUTH_TOKEN: 'sntrys_c2VjcmV0dG9rZW4',
  SENTRY_ENVIRONMENT: 'staging',
  SENTRY_TRACE_SAMPLE_RATE: '0.5',
  OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
  OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Bearer%20hdr-s3cret',
};
const SECRETS = [DSN_KEY, 'sntrys_c2VjcmV0dG9rZW4', 'hdr-s3cret'];

function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = runCli(argv, env, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd: app.dir,
  });
  return { code, stdout, stderr };
}

describe('tracewire check', () => {
  it('exits 0 and summarises a valid configuration', () => {
    const result = run(['check'], VALID_ENV);
    expect(result.code).toBe(EXIT_OK);
    expect(result.stdout).toContain(
      'configuration is valid: service cli-app, environment staging, release cli-app@0.3.0',
    );
  });

  it('exits 1 and prints every issue, without the secrets it was given', () => {
    const result = run(['check'], {
      SENTRY_DSN: `https://${DSN_KEY}@o1.ingest.sentry.io/not-numeric`,
      SENTRY_TRACE_SAMPLE_RATE: '1.5',
      LOG_LEVEL: 'loud',
    });
    expect(result.code).toBe(EXIT_INVALID_CONFIG);
    for (const variable of ['SENTRY_DSN', 'SENTRY_TRACE_SAMPLE_RATE', 'LOG_LEVEL'])
      expect(result.stdout).toContain(variable);
    expect(result.stdout).toContain('tracewire configuration has 3 problems');
    expect(result.stdout).not.toContain(DSN_KEY);
  });

  it('prints warnings too, and still exits 0 when they are the only findings', () => {
    const result = run(['check'], { ...VALID_ENV, SENTRY_TRACES_SAMPLE_RATE: '0.1' });
    expect(result.code).toBe(EXIT_OK);
    expect(result.stdout).toContain('SENTRY_TRACES_SAMPLE_RATE  (TW_CONFIG_IGNORED_VARIABLE)');
  });
});

describe('tracewire config', () => {
  it('prints a table of every field with its masked value and source', () => {
    const result = run(['config'], VALID_ENV);
    expect(result.code).toBe(EXIT_OK);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^FIELD\s+VALUE\s+SOURCE$/);
    expect(lines).toContainEqual(
      expect.stringMatching(/^sentry\.dsn\s+https:\/\/\*\*\*@o1\.ingest\.sentry\.io\/42\s+env:SENTRY_DSN$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^otlp\.headers\s+authorization=\*\*\*\s+env:OTEL_EXPORTER_OTLP_HEADERS$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^release\s+cli-app@0\.3\.0\s+detected:package\.json$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^grafanaUrl\s+\(unset\)\s+default$/));
    for (const secret of SECRETS) expect(result.stdout).not.toContain(secret);
  });

  it('prints the masked dump as JSON with --json', () => {
    const result = run(['config', '--json'], VALID_ENV);
    const dump = JSON.parse(result.stdout);
    expect(dump.sentry).toMatchObject({ dsn: 'https://***@o1.ingest.sentry.io/42', authToken: '***' });
    expect(dump.sources.sampleRate).toBe('env:SENTRY_TRACE_SAMPLE_RATE');
    for (const secret of SECRETS) expect(result.stdout).not.toContain(secret);
  });

  it('exits 1 with the issues on stderr when the configuration is invalid', () => {
    const result = run(['config'], { LOG_LEVEL: 'loud' });
    expect(result.code).toBe(EXIT_INVALID_CONFIG);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('LOG_LEVEL  (TW_CONFIG_INVALID_LOG_LEVEL)');
  });

  it('reads package.json from --cwd', () => {
    const other = createAppDirectory({ name: 'elsewhere', version: '9.9.9' });
    try {
      expect(run(['config', '--json', '--cwd', other.dir]).stdout).toContain('"serviceName": "elsewhere"');
    } finally {
      other.remove();
    }
  });
});

describe('usage', () => {
  it.each([['--version'], ['-v']])('prints the version for %s', (flag) => {
    expect(run([flag])).toEqual({ code: EXIT_OK, stdout: `${TRACEWIRE_VERSION}\n`, stderr: '' });
  });

  it.each([[['--help']], [['-h']], [[]], [['help']]])('prints help for %j', (argv) => {
    const result = run(argv);
    expect(result.code).toBe(EXIT_OK);
    expect(result.stdout).toContain('Usage: tracewire <command>');
  });

  it.each([
    [['deploy'], 'unknown command "deploy"'],
    [['check', '--verbose'], "Unknown option '--verbose'"],
    [['check', 'extra'], 'unexpected argument "extra"'],
  ])('exits 2 on %j', (argv, message) => {
    const result = run(argv);
    expect(result.code).toBe(EXIT_USAGE);
    expect(result.stderr).toContain(message);
  });
});
