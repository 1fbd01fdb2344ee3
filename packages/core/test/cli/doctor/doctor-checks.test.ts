// The doctor's checks in-process, through runCli with an injected resolver: private DNS
// names that only exist on a platform, kill windows, the Prometheus port, and URLs that
// are wrong before anything is contacted.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startTestSink, type TestSink } from '@tracewire/testing';
import { freePort } from '@tracewire/testing/fixtures';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  createDoctorNetwork,
  type DoctorNetwork,
  type DoctorResolver,
  type ResolvedAddress,
} from '../../../src/cli/doctor/doctor-network.ts';
import { runCli } from '../../../src/cli/run-cli.ts';
import { createAppDirectory } from '../../config/app-directory.ts';
import { coreDir, coreIsBuilt, startChildApp } from '../../helpers/child-app.ts';
import { lineOf } from './run-doctor-bin.ts';

const app = createAppDirectory({ name: 'doctor-app', version: '2.1.0' });
afterAll(() => app.remove());

let sink: TestSink | undefined;
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  await sink?.close();
  sink = undefined;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Answers only for the names a test gives, as a platform's DNS would; everything else is ENOTFOUND. */
function resolverFor(names: Record<string, ResolvedAddress[]>): {
  resolver: DoctorResolver;
  asked: string[];
} {
  const asked: string[] = [];
  const resolver: DoctorResolver = async (hostname) => {
    asked.push(hostname);
    const addresses = names[hostname];
    if (addresses) return addresses;
    throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
  };
  return { resolver, asked };
}

/** Counts every request a check sends, so a test can prove nothing was contacted. */
function countingNetwork(inner: DoctorNetwork): { network: DoctorNetwork; requested: string[] } {
  const requested: string[] = [];
  return {
    requested,
    network: {
      ...inner,
      request: (url, request) => {
        requested.push(url);
        return inner.request(url, request);
      },
    },
  };
}

/** Runs doctor where no name resolves, with every request it sent in `requested`. */
async function doctorUnresolved(args: string[], env: Record<string, string>) {
  const counted = countingNetwork(createDoctorNetwork({ resolver: resolverFor({}).resolver }));
  return { ...(await doctor(args, env, counted.network)), requested: counted.requested };
}

async function doctor(args: string[], env: Record<string, string>, network: DoctorNetwork) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['doctor', ...args], env, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd: app.dir,
    network,
  });
  return { code, stdout, stderr };
}

async function listen(server: http.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  );
  return (server.address() as AddressInfo).port;
}

const LOOPBACK_V4: ResolvedAddress[] = [{ address: '127.0.0.1', family: 4 }];
// An IPv4-mapped IPv6 address: family 6 as Railway's older private network answers, yet
// the connection still lands on the sink's 127.0.0.1 listener.
const MAPPED_V6_ONLY: ResolvedAddress[] = [{ address: '::ffff:127.0.0.1', family: 6 }];

describe('tracewire doctor on Railway', () => {
  it('warns that a *.railway.internal name resolves to IPv6 only, and that the shutdown budget outlasts the kill window', async () => {
    sink = await startTestSink();
    const { resolver, asked } = resolverFor({ 'tempo.railway.internal': MAPPED_V6_ONLY });
    const result = await doctor(
      [],
      {
        RAILWAY_ENVIRONMENT_NAME: 'staging',
        TRACEWIRE_SHUTDOWN_TIMEOUT_MS: '5000',
        SENTRY_TRACE_SAMPLE_RATE: '0.5',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://tempo.railway.internal:${sink.port}`,
        TRACEWIRE_METRICS: 'none',
      },
      createDoctorNetwork({ resolver }),
    );
    expect(result.code).toBe(0);
    expect(lineOf(result.stdout, 'platform.private-dns')).toMatch(
      /^warn .*tempo\.railway\.internal resolves to IPv6 only: ::ffff:127\.0\.0\.1 \(IPv6\)\..*Fix: The service behind this name must listen on ::/,
    );
    expect(lineOf(result.stdout, 'platform.shutdown-budget')).toMatch(
      /^warn .*shutdown budget of 5000 ms \(env:TRACEWIRE_SHUTDOWN_TIMEOUT_MS\) is longer than Railway's kill window of 3000 ms.*Fix: Set TRACEWIRE_SHUTDOWN_TIMEOUT_MS below 3000, or raise RAILWAY_DEPLOYMENT_DRAINING_SECONDS/,
    );
    // The export itself went through the injected resolver to the sink.
    expect(lineOf(result.stdout, 'otlp.traces.export')).toMatch(/^pass\s/);
    expect(sink.requests.map((request) => request.path).sort()).toEqual(['/v1/logs', '/v1/traces']);
    expect(new Set(asked)).toEqual(new Set(['tempo.railway.internal']));
  });

  it('passes a dual-stack name and a budget inside RAILWAY_DEPLOYMENT_DRAINING_SECONDS', async () => {
    sink = await startTestSink();
    const { resolver } = resolverFor({
      'tempo.railway.internal': [...LOOPBACK_V4, { address: '::ffff:127.0.0.1', family: 6 }],
    });
    const result = await doctor(
      [],
      {
        RAILWAY_ENVIRONMENT_NAME: 'staging',
        RAILWAY_DEPLOYMENT_DRAINING_SECONDS: '10',
        TRACEWIRE_SHUTDOWN_TIMEOUT_MS: '5000',
        SENTRY_TRACE_SAMPLE_RATE: '0.5',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://tempo.railway.internal:${sink.port}`,
        TRACEWIRE_METRICS: 'none',
      },
      createDoctorNetwork({ resolver }),
    );
    expect(result.code).toBe(0);
    expect(lineOf(result.stdout, 'platform.private-dns')).toMatch(
      /^pass .*tempo\.railway\.internal resolves to 127\.0\.0\.1 \(IPv4\), ::ffff:127\.0\.0\.1 \(IPv6\)\./,
    );
    expect(lineOf(result.stdout, 'platform.shutdown-budget')).toMatch(
      /^pass .*fits Railway's kill window of 10000 ms \(RAILWAY_DEPLOYMENT_DRAINING_SECONDS\)/,
    );
  });

  it('fails a private name that does not resolve, for the DSN host too', async () => {
    const result = await doctorUnresolved([], {
      RAILWAY_ENVIRONMENT_NAME: 'staging',
      SENTRY_TRACE_SAMPLE_RATE: '0.5',
      SENTRY_DSN: 'http://abc123@sentry.railway.internal:9000/1',
      TRACEWIRE_SENTRY_TRACES: 'false',
      TRACEWIRE_METRICS: 'none',
    });
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'sentry.ingest.dns')).toMatch(
      /^fail .*sentry\.railway\.internal does not resolve \(ENOTFOUND\)\..*Fix: Check the host in SENTRY_DSN/,
    );
    expect(lineOf(result.stdout, 'platform.private-dns')).toMatch(
      /^fail .*does not resolve \(ENOTFOUND\)\..*Fix: Private names resolve only inside the Railway project/,
    );
    expect(result.requested).toEqual([]);
  });
});

describe('tracewire doctor: check first', () => {
  it('stops at an invalid configuration with the issue as a failing line, contacting nothing', async () => {
    const result = await doctorUnresolved(['--json'], {
      SENTRY_DSN: 'https://keycanary9d1e@o1.ingest.sentry.io/not-a-project',
    });
    expect(result.code).toBe(1);
    const report = JSON.parse(result.stdout) as {
      ok: boolean;
      checks: { check: string; status: string; fix?: string }[];
    };
    expect(report.ok).toBe(false);
    expect(report.checks).toContainEqual(
      expect.objectContaining({
        check: 'config.TW_CONFIG_INVALID_DSN',
        status: 'fail',
        fix: expect.any(String),
      }),
    );
    expect(result.requested).toEqual([]);
    expect(result.stdout).not.toContain('keycanary9d1e');
  });
});

describe('tracewire doctor --send-test-event without a DSN', () => {
  it('fails the test event line instead of skipping it silently', async () => {
    const result = await doctorUnresolved(['--send-test-event'], {
      SENTRY_TRACE_SAMPLE_RATE: '0.5',
      TRACEWIRE_METRICS: 'none',
    });
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'sentry.test-event')).toMatch(/^fail .*not sent: SENTRY_DSN is not set/);
    expect(result.requested).toEqual([]);
  });
});

describe('tracewire doctor: URLs wrong before anything is contacted', () => {
  it('refuses the DSN ingest host as SENTRY_INTERNAL_URL without calling it', async () => {
    const result = await doctorUnresolved([], {
      SENTRY_TRACE_SAMPLE_RATE: '0.5',
      SENTRY_AUTH_TOKEN: 'sntryu_abcdef0123',
      SENTRY_INTERNAL_URL: 'https://o1.ingest.sentry.io',
      TRACEWIRE_METRICS: 'none',
    });
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'sentry.api.url')).toMatch(
      /^fail .*o1\.ingest\.sentry\.io is the DSN's ingest host, which serves no API\..*Fix: Set SENTRY_INTERNAL_URL to https:\/\/sentry\.io/,
    );
    expect(result.requested).toEqual([]);
    expect(result.stdout).not.toContain('sntryu_abcdef0123');
  });

  it("refuses Loki's push API as the OTLP logs endpoint without calling it", async () => {
    const result = await doctorUnresolved([], {
      SENTRY_TRACE_SAMPLE_RATE: '0.5',
      OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://loki:3100/loki/api/v1/push',
      TRACEWIRE_METRICS: 'none',
    });
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'otlp.logs.export')).toMatch(
      /^fail .*this is Loki's own push API, which does not take OTLP\..*Fix: Loki 3 takes OTLP at \/otlp\/v1\/logs: set OTEL_EXPORTER_OTLP_LOGS_ENDPOINT to http:\/\/loki:3100\/otlp\/v1\/logs/,
    );
    expect(result.requested).toEqual([]);
  });
});

describe('tracewire doctor: OTLP credentials', () => {
  it('names the headers sent when the receiver answers 401, never their values', async () => {
    sink = await startTestSink({ failure: { status: 401 }, failureTarget: 'otlp' });
    const result = await doctor(
      [],
      {
        SENTRY_TRACE_SAMPLE_RATE: '0.5',
        OTEL_EXPORTER_OTLP_ENDPOINT: `http://localhost:${sink.port}`,
        OTEL_EXPORTER_OTLP_HEADERS: 'authorization=Basic%20c2VjcmV0Y2FuYXJ5',
      },
      createDoctorNetwork(),
    );
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'otlp.traces.export')).toMatch(
      /^fail .*answered 401.*the receiver wants credentials it did not accept \(headers sent: authorization\)\..*Fix: Set the credentials the backend expects in OTEL_EXPORTER_OTLP_HEADERS/,
    );
    expect(result.stdout).not.toContain('c2VjcmV0Y2FuYXJ5');
  });
});

describe('tracewire doctor: Prometheus mode', () => {
  const prometheusEnv = (port: number) => ({
    SENTRY_TRACE_SAMPLE_RATE: '0.5',
    OTEL_SERVICE_NAME: 'doctor-app',
    TRACEWIRE_METRICS: 'prometheus',
    TRACEWIRE_PROMETHEUS_PORT: String(port),
  });

  it('passes a free port', async () => {
    const port = await freePort();
    const result = await doctor([], prometheusEnv(port), createDoctorNetwork());
    expect(result.code).toBe(0);
    expect(lineOf(result.stdout, 'prometheus.port')).toMatch(
      new RegExp(`^pass .*port ${port} is free; the scrape endpoint will listen there\\.`),
    );
  });

  it('fails a port another process holds', async () => {
    const port = await listen(http.createServer((_request, response) => response.end('not metrics')));
    const result = await doctor([], prometheusEnv(port), createDoctorNetwork());
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'prometheus.port')).toMatch(
      new RegExp(
        `^fail .*port ${port} is taken by another process, which does not serve doctor-app's metrics\\..*Fix: .*TRACEWIRE_PROMETHEUS_PORT`,
      ),
    );
  });

  it.skipIf(!coreIsBuilt)(
    'passes a port the running service already serves its tracewire metrics on',
    async () => {
      const port = await freePort();
      const service = await startChildApp('prometheus-app.mjs', {
        nodeArgs: ['--import', '@tracewire/core/register'],
        fixtures: path.join(coreDir, 'test', 'cli', 'doctor', 'fixtures'),
        env: { ...prometheusEnv(port), LOG_LEVEL: 'silent' },
      });
      cleanups.push(async () => {
        service.kill('SIGKILL');
        await service.exited;
      });
      expect(service.url).toBe(`http://127.0.0.1:${port}`);
      const result = await doctor([], prometheusEnv(port), createDoctorNetwork());
      expect(lineOf(result.stdout, 'prometheus.port')).toMatch(
        new RegExp(`^pass .*port ${port} already serves tracewire metrics for doctor-app\\.`),
      );
      expect(result.code).toBe(0);
    },
  );
});

const prometheusBinary = '/usr/bin/prometheus';

describe.skipIf(!fs.existsSync(prometheusBinary))('tracewire doctor against a real Prometheus', () => {
  it('says the OTLP receiver is off when Prometheus answers 404 on its OTLP path', async () => {
    const port = await freePort();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-prometheus-'));
    const configFile = path.join(dataDir, 'prometheus.yml');
    fs.writeFileSync(configFile, 'global:\n  scrape_interval: 1m\nscrape_configs: []\n');
    const prometheus = spawn(
      prometheusBinary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${path.join(dataDir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = new Promise<void>((resolve) => prometheus.once('exit', () => resolve()));
    cleanups.push(async () => {
      prometheus.kill('SIGKILL');
      await exited;
      fs.rmSync(dataDir, { recursive: true, force: true });
    });
    // Prometheus logs this line once its web handler serves requests.
    await new Promise<void>((resolve, reject) => {
      let log = '';
      prometheus.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        log += chunk;
        if (log.includes('Server is ready to receive web requests')) resolve();
      });
      prometheus.once('exit', () => reject(new Error(`prometheus exited:\n${log}`)));
    });
    const result = await doctor(
      [],
      {
        SENTRY_TRACE_SAMPLE_RATE: '0.5',
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `http://localhost:${port}/api/v1/otlp/v1/metrics`,
        TRACEWIRE_METRICS: 'otlp',
      },
      createDoctorNetwork(),
    );
    expect(result.code).toBe(1);
    expect(lineOf(result.stdout, 'otlp.metrics.export')).toMatch(
      /^fail .*Prometheus answered 404.*its OTLP receiver is off.*Fix: Start Prometheus with --web\.enable-otlp-receiver/,
    );
  });
});
