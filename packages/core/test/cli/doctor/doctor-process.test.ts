// `tracewire doctor` as users run it: the built bin in a child process, against the
// @tracewire/testing sink on loopback, one failure at a time. The build must exist
// (`pnpm test` builds first); without it the file is skipped rather than testing stale output.
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { startTestSink, type TestSink } from '@tracewire/testing';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createAppDirectory } from '../../config/app-directory.ts';
import { isBuilt, lineOf, runDoctorBin } from './run-doctor-bin.ts';

const app = createAppDirectory({ name: 'doctor-app', version: '2.1.0' });
afterAll(() => app.remove());

// Canaries: each is a secret the environment holds; none may appear in any output.
const DSN_KEY = 'dsnkeycanary7f3a91c2';
const TOKEN = 'sntryu_tokencanary4be17d';
const HEADER_VALUE = 'hdrcanary5c0ffee';
const CANARIES = [DSN_KEY, TOKEN, HEADER_VALUE];
const GRAFANA_SCOPES = ['org:read', 'project:read', 'team:read', 'event:read'];

let sink: TestSink | undefined;
const servers: (http.Server | http2.Http2Server)[] = [];
afterEach(async () => {
  await sink?.close();
  sink = undefined;
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          (server as http.Server).closeAllConnections?.();
        }),
    ),
  );
});

async function startSink(options: Parameters<typeof startTestSink>[0] = {}): Promise<TestSink> {
  sink = await startTestSink({
    publicKey: DSN_KEY,
    projectId: '42',
    checkCredentials: true,
    sentryApi: { token: TOKEN, scopes: GRAFANA_SCOPES },
    ...options,
  });
  return sink;
}

/** Every destination configured, all pointed at the sink by its `localhost` name. */
function envFor(target: TestSink, overrides: Record<string, string> = {}): Record<string, string> {
  const base = `http://localhost:${target.port}`;
  return {
    SENTRY_DSN: `http://${DSN_KEY}@localhost:${target.port}/42`,
    SENTRY_ENVIRONMENT: 'staging',
    SENTRY_TRACE_SAMPLE_RATE: '0.5',
    OTEL_EXPORTER_OTLP_ENDPOINT: base,
    OTEL_EXPORTER_OTLP_HEADERS: `x-api-key=${HEADER_VALUE}`,
    SENTRY_AUTH_TOKEN: TOKEN,
    SENTRY_INTERNAL_URL: base,
    ...overrides,
  };
}

function doctor(args: string[], env: Record<string, string>, recordConnections = false) {
  return runDoctorBin(args, env, { cwd: app.dir, recordConnections });
}

function expectNoSecrets(output: { stdout: string; stderr: string }): void {
  for (const canary of CANARIES) {
    expect(output.stdout).not.toContain(canary);
    expect(output.stderr).not.toContain(canary);
  }
}

async function listenLocal<T extends http.Server | http2.Http2Server>(server: T): Promise<number> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const suiteName = isBuilt
  ? 'tracewire doctor (dist/cli.mjs)'
  : 'tracewire doctor: skipped because packages/core/dist/cli.mjs is missing (run pnpm -C packages/core build)';

describe.skipIf(!isBuilt)(suiteName, () => {
  it('passes every check against healthy destinations and exits 0', async () => {
    const target = await startSink();
    const result = await doctor([], envFor(target));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const check of [
      'config.valid',
      'sentry.ingest.dns',
      'sentry.ingest.envelope',
      'otlp.traces.export',
      'otlp.metrics.export',
      'otlp.logs.export',
      'sentry.otlp.traces.export',
      'sentry.api.scopes',
    ]) {
      expect(lineOf(result.stdout, check)).toMatch(/^pass\s/);
    }
    expect(lineOf(result.stdout, 'sentry.ingest.dns')).toContain('localhost resolves to 127.0.0.1 (IPv4)');
    expect(result.stdout).toContain('Every check passed. 8 passed, 0 warnings, 0 failed.');
    // The client report creates no issue: no event reached the sink.
    expect(target.sentry.events).toEqual([]);
    expect(target.sentry.clientReports).toHaveLength(1);
    expect(target.logs).toEqual([]);
    expect(target.spans).toEqual([]);
  });

  it('names a refused connection on every destination, with the fix, and exits 1', async () => {
    const target = await startSink();
    await target.setFailure('refuse');
    const result = await doctor([], envFor(target));
    expect(result.code).toBe(1);
    const where = `localhost:${target.port}`;
    expect(lineOf(result.stdout, 'sentry.ingest.envelope')).toMatch(
      new RegExp(
        `^fail .*Sentry is unreachable: nothing listens at ${where} \\(connection refused\\)\\..*Fix: Start Sentry`,
      ),
    );
    for (const check of ['otlp.traces.export', 'otlp.metrics.export', 'otlp.logs.export']) {
      expect(lineOf(result.stdout, check)).toMatch(
        new RegExp(`^fail .*not reachable: nothing listens at ${where}.*Fix: Start the OTLP receiver`),
      );
    }
    expect(lineOf(result.stdout, 'sentry.api.token')).toMatch(
      /^fail .*the Sentry API is unreachable: nothing listens/,
    );
  });

  it('bounds a hanging destination by --timeout', async () => {
    const target = await startSink({ failure: 'hang' });
    const result = await doctor(['--timeout', '300'], envFor(target));
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'sentry.ingest.envelope')).toMatch(
      /^fail .*did not answer within 300 ms\..*Fix: Check that Sentry is up.*raise --timeout/,
    );
    expect(lineOf(result.stdout, 'otlp.traces.export')).toMatch(/^fail .*did not answer within 300 ms/);
    // The hung requests reached the sink and the doctor gave up on them: none is answered.
    await target.waitFor(
      (current) =>
        current.requests.length > 0 && current.requests.every((request) => request.outcome !== 'hanging'),
      { description: 'the doctor to abandon every hung request' },
    );
    expect(
      new Set(
        target.requests
          .filter((request) => request.receiver !== 'sentry-api')
          .map((request) => request.outcome),
      ),
    ).toEqual(new Set(['abandoned']));
  });

  it('tells a wrong DSN key (401) from a wrong project (403)', async () => {
    const target = await startSink();
    const wrongKey = await doctor(
      [],
      envFor(target, { SENTRY_DSN: `http://otherkey123@localhost:${target.port}/42` }),
    );
    expect(wrongKey.code).toBe(1);
    expect(lineOf(wrongKey.stdout, 'sentry.ingest.envelope')).toMatch(
      /^fail .*wrong key or project: Sentry answered 401 \("invalid api key"\).*Fix: Copy the DSN again from Sentry: Project Settings → Client Keys/,
    );
    const wrongProject = await doctor(
      [],
      envFor(target, { SENTRY_DSN: `http://${DSN_KEY}@localhost:${target.port}/7` }),
    );
    expect(wrongProject.code).toBe(1);
    expect(lineOf(wrongProject.stdout, 'sentry.ingest.envelope')).toMatch(
      /^fail .*wrong key or project: Sentry answered 403 \("event submission rejected with_reason: ProjectId"\)/,
    );
    expectNoSecrets(wrongProject);
  });

  it('recognises a doubled signal path (404) and gives the base URL to use', async () => {
    const target = await startSink();
    const result = await doctor(
      [],
      envFor(target, { OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${target.port}/v1/traces` }),
    );
    expect(result.code).toBe(1);
    const line = lineOf(result.stdout, 'otlp.traces.export');
    expect(line).toContain('answered 404 for /v1/traces/v1/traces: the path is doubled');
    expect(line).toContain(
      `Fix: OTEL_EXPORTER_OTLP_ENDPOINT is a base URL and gets /v1/traces appended: set it to http://localhost:${target.port}.`,
    );
    expect(lineOf(result.stdout, 'otlp.metrics.export')).toContain(
      '/v1/traces/v1/metrics: the path is doubled',
    );
  });

  it('reports a rate limit (429) with the reset from X-Sentry-Rate-Limits', async () => {
    const target = await startSink({
      failure: { status: 429, retryAfterSeconds: 42, rateLimitCategories: ['error'] },
      failureTarget: 'sentry',
    });
    const result = await doctor([], envFor(target));
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'sentry.ingest.envelope')).toMatch(
      /^fail .*rate limited: Sentry answered 429 and accepts events again in 42 s.*Fix: Raise the project's or organization's quota/,
    );
    expect(lineOf(result.stdout, 'otlp.traces.export')).toMatch(/^pass\s/);
  });

  it('recognises an OTLP/gRPC port used with an HTTP protocol', async () => {
    const target = await startSink();
    // An HTTP/2-only server, as a collector's 4317 gRPC listener is.
    const grpcPort = await listenLocal(http2.createServer());
    const result = await doctor(
      [],
      envFor(target, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `http://localhost:${grpcPort}/v1/traces` }),
    );
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'otlp.traces.export')).toMatch(
      /^fail .*does not speak HTTP\/1\.1: it answered with binary \(HTTP\/2\) framing, as an OTLP\/gRPC port \(4317\) does\..*Fix: .*OTLP\/HTTP port \(4318/,
    );
    expect(lineOf(result.stdout, 'otlp.logs.export')).toMatch(/^pass\s/);
  });

  it('recognises https:// to a plain HTTP port', async () => {
    const target = await startSink();
    const result = await doctor(
      [],
      envFor(target, { OTEL_EXPORTER_OTLP_ENDPOINT: `https://localhost:${target.port}` }),
    );
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'otlp.traces.export')).toMatch(
      /^fail .*the TLS handshake with localhost:\d+ failed: the port answers plain HTTP, not TLS\..*Fix: Use http:\/\//,
    );
  });

  it('names the scopes a Grafana token is missing', async () => {
    const target = await startSink({ sentryApi: { token: TOKEN, scopes: ['org:read', 'project:write'] } });
    const result = await doctor([], envFor(target));
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'sentry.api.scopes')).toMatch(
      /^fail .*the token is valid but lacks team:read, event:read \(has org:read, project:write\)\..*Fix: Give the token team:read, event:read/,
    );
    expectNoSecrets(result);
  });

  it('says when the token itself is refused', async () => {
    const target = await startSink({ sentryApi: { token: 'sntryu_anothertoken', scopes: GRAFANA_SCOPES } });
    const result = await doctor([], envFor(target));
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'sentry.api.token')).toMatch(
      /^fail .*the token was refused \(401 \("Invalid token"\)\).*Fix: Create a token with org:read, project:read, team:read and event:read/,
    );
    expectNoSecrets(result);
  });

  it('--send-test-event delivers exactly one error event and prints its ID and trace link', async () => {
    const target = await startSink();
    const result = await doctor(
      ['--send-test-event'],
      envFor(target, { TRACEWIRE_GRAFANA_URL: 'https://grafana.example.com' }),
    );
    expect(result.code).toBe(0);
    expect(target.sentry.events).toHaveLength(1);
    const event = target.sentry.events[0]!;
    const line = lineOf(result.stdout, 'sentry.test-event');
    expect(line).toMatch(/^pass\s/);
    expect(line).toContain(
      `test event ${event.event_id} accepted (trace ${event.contexts?.trace?.trace_id})`,
    );
    expect(event.exception?.values?.[0]?.type).toBe('Error');
    expect(event.environment).toBe('staging');
    expect(event.release).toBe('doctor-app@2.1.0');
    expect(line).toContain('Trace in Grafana: https://grafana.example.com/explore?');
    expect(line).toContain(encodeURIComponent(String(event.contexts?.trace?.trace_id)));
  });

  it('prints no secret from the environment, in text or JSON, passing or failing', async () => {
    const target = await startSink();
    const runs = [
      await doctor([], envFor(target)),
      await doctor(['--json', '--send-test-event'], envFor(target)),
    ];
    await target.setFailure({ status: 401 }, { target: 'all' });
    runs.push(await doctor(['--json'], envFor(target)), await doctor([], envFor(target)));
    for (const run of runs) expectNoSecrets(run);
    const json = JSON.parse(runs[1]!.stdout) as { ok: boolean; checks: { check: string; target?: string }[] };
    expect(json.ok).toBe(true);
    expect(json.checks.find((check) => check.check === 'sentry.ingest.envelope')?.target).toBe(
      `http://***@localhost:${target.port}/42`,
    );
    expect(JSON.parse(runs[2]!.stdout)).toMatchObject({ ok: false });
    expect(runs[2]!.code).toBe(1);
  });

  it('contacts only the configured endpoints', async () => {
    const target = await startSink();
    // A configured URL doctor has no business calling (Grafana is only linked to), on a
    // server that counts every connection it gets.
    let decoyConnections = 0;
    const decoy = http.createServer((_request, response) => response.end());
    decoy.on('connection', () => {
      decoyConnections += 1;
    });
    const decoyPort = await listenLocal(decoy);
    const result = await doctor(
      ['--send-test-event'],
      envFor(target, { TRACEWIRE_GRAFANA_URL: `http://localhost:${decoyPort}` }),
      true,
    );
    expect(result.code).toBe(0);
    expect(decoyConnections).toBe(0);
    const connects = result.connections.filter((entry) => entry.startsWith('connect '));
    expect(connects.length).toBeGreaterThan(0);
    expect(new Set(connects)).toEqual(new Set([`connect localhost:${target.port}`]));
    expect(new Set(result.connections.filter((entry) => entry.startsWith('lookup ')))).toEqual(
      new Set(['lookup localhost']),
    );
    // One request per check, nothing else.
    expect(target.requests.map((request) => `${request.method} ${request.path}`).sort()).toEqual(
      [
        'GET /api/0/',
        'POST /api/42/envelope/',
        'POST /api/42/envelope/',
        'POST /api/42/integration/otlp/v1/traces/',
        'POST /v1/logs',
        'POST /v1/metrics',
        'POST /v1/traces',
      ].sort(),
    );
  });

  it('exits 2 when it cannot run: a bad --timeout', async () => {
    const result = await doctor(['--timeout', 'soon'], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--timeout takes a positive number of milliseconds');
  });
});
