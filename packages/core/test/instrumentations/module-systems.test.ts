// Child processes, because load order is where database instrumentation breaks: ESM with
// `--import @tracewire/core/register`, CommonJS initialising before its clients, and
// CommonJS that required its clients first. And a service without any database client,
// which must load none of the instrumentations.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  type ChildApp,
  childProcessSuite,
  type DatabaseServer,
  installedServers,
  registerImport,
  startPostgres,
  startRedis,
} from '@tracewire/testing/fixtures';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { coreDir, coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

const databaseFixtures = fileURLToPath(new URL('../fixtures/databases/', import.meta.url));

describe.skipIf(!coreIsBuilt)('database instrumentation across module systems', () => {
  const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });
  /** The app of the running test, for the helpers below. */
  let app: ChildApp | undefined;

  describe.skipIf(!installedServers.postgres || !installedServers.redis)('pg and ioredis', () => {
    let postgres: DatabaseServer;
    let redis: DatabaseServer;

    beforeAll(async () => {
      const [pgResult, redisResult] = await Promise.allSettled([startPostgres(), startRedis()]);
      if (pgResult.status === 'fulfilled') postgres = pgResult.value;
      if (redisResult.status === 'fulfilled') redis = redisResult.value;
      if (pgResult.status === 'rejected') throw pgResult.reason;
      if (redisResult.status === 'rejected') throw redisResult.reason;
    });

    afterAll(async () => {
      await Promise.allSettled([postgres?.stop(), redis?.stop()]);
    });

    const env = (name: string, extra: Record<string, string> = {}) => ({
      ...suite.sink.env,
      TRACEWIRE_METRICS: 'none',
      OTEL_SERVICE_NAME: name,
      FIXTURE_PG_URL: postgres.url,
      FIXTURE_REDIS_URL: redis.url,
      ...extra,
    });

    /** Requests /pg and /ioredis, stops the app, and returns each query span with its request's server span. */
    async function queryBoth(service: string) {
      for (const route of ['/pg', '/ioredis']) expect((await fetch(`${app?.url}${route}`)).status).toBe(200);
      app?.kill('SIGTERM');
      await app?.exited;
      const spans = suite.sink.spans.filter(
        (span) => span.receiver === 'otlp' && span.resource['service.name'] === service,
      );
      const result: Record<
        string,
        { query: (typeof spans)[number] | undefined; parent: unknown; logTraceId: unknown }
      > = {};
      for (const [route, system] of [
        ['/pg', 'postgresql'],
        ['/ioredis', 'redis'],
      ] as const) {
        const server = spans.find((span) => span.kind === 'server' && span.attributes['url.path'] === route);
        const query = spans.find(
          (span) =>
            span.traceId === server?.traceId &&
            span.attributes['db.system.name'] === system &&
            span.attributes['db.query.text'] !== undefined &&
            span.attributes['db.query.text'] !== 'connect',
        );
        const logLine = app?.lines().find((line) => line.msg === 'queried' && line.route === route);
        result[route] = {
          query,
          parent: query?.parentSpanId === server?.spanId && server !== undefined,
          logTraceId: logLine?.trace_id,
        };
      }
      return result;
    }

    function expectQueriesUnderRequests(result: Awaited<ReturnType<typeof queryBoth>>) {
      expect(result['/pg']?.query?.attributes['db.query.text']).toBe('SELECT $1::int + ? AS answer');
      expect(result['/pg']?.query?.kind).toBe('client');
      expect(result['/pg']?.parent).toBe(true);
      expect(result['/pg']?.logTraceId).toBe(result['/pg']?.query?.traceId);
      expect(result['/ioredis']?.query?.attributes['db.query.text']).toBe('get fixture:key');
      expect(result['/ioredis']?.parent).toBe(true);
      expect(result['/ioredis']?.logTraceId).toBe(result['/ioredis']?.query?.traceId);
      expect(JSON.stringify(suite.sink.spans)).not.toContain(postgres.password);
      expect(JSON.stringify(suite.sink.spans)).not.toContain(redis.password);
    }

    it('ESM with --import @tracewire/core/register', async () => {
      app = await suite.startApp('db-app.mjs', {
        env: env('db-esm'),
        nodeArgs: registerImport,
        fixtures: databaseFixtures,
      });
      expectQueriesUnderRequests(await queryBoth('db-esm'));
    });

    it('CommonJS that initialises before requiring its clients', async () => {
      app = await suite.startApp('db-app.cjs', { env: env('db-cjs'), fixtures: databaseFixtures });
      expectQueriesUnderRequests(await queryBoth('db-cjs'));
    });

    it('CommonJS that required its clients before initObservability()', async () => {
      app = await suite.startApp('db-app.cjs', {
        env: env('db-cjs-late', { FIXTURE_LATE: '1' }),
        fixtures: databaseFixtures,
      });
      expectQueriesUnderRequests(await queryBoth('db-cjs-late'));
    });

    it('ESM that imported its CommonJS clients before initObservability(), without --import', async () => {
      app = await suite.startApp('db-app-late.mjs', {
        env: env('db-esm-late'),
        fixtures: databaseFixtures,
      });
      expectQueriesUnderRequests(await queryBoth('db-esm-late'));
    });

    it('TRACEWIRE_INSTRUMENTATIONS=none leaves the same app without database spans', async () => {
      app = await suite.startApp('db-app.cjs', {
        env: env('db-cjs-none', { TRACEWIRE_INSTRUMENTATIONS: 'none' }),
        fixtures: databaseFixtures,
      });
      const result = await queryBoth('db-cjs-none');
      expect(result['/pg']?.query).toBeUndefined();
      expect(result['/ioredis']?.query).toBeUndefined();
      // The requests themselves were still traced and logged.
      expect(result['/pg']?.logTraceId).toMatch(/^[0-9a-f]{32}$/);
    });
  });

  describe('a service without database clients', () => {
    let appDirectory: string;

    beforeAll(() => {
      appDirectory = fs.mkdtempSync(path.join(os.tmpdir(), 'tracewire-no-db-app-'));
      for (const file of ['loaded-modules-app.mjs', 'loaded-modules-app.cjs']) {
        fs.copyFileSync(path.join(databaseFixtures, file), path.join(appDirectory, file));
      }
    });

    afterAll(() => {
      fs.rmSync(appDirectory, { recursive: true, force: true });
    });

    const env = {
      TRACEWIRE_METRICS: 'none',
      OTEL_SERVICE_NAME: 'no-db',
      FIXTURE_CORE_URL: pathToFileURL(path.join(coreDir, 'dist', 'index.mjs')).href,
      FIXTURE_CORE_CJS: path.join(coreDir, 'dist', 'index.cjs'),
    };
    const esm = { nodeArgs: ['--import', pathToFileURL(path.join(coreDir, 'dist', 'register.mjs')).href] };

    async function loadedModules(script: string, cwd: string, nodeArgs: string[] = []) {
      app = await suite.startApp(script, { env, nodeArgs, cwd, fixtures: appDirectory });
      const listening = await app.waitForLine((line) => line.msg === 'listening');
      const summary = await app.waitForLine((line) => String(line.msg).startsWith('tracewire initialised'));
      return {
        loaded: listening.loaded as string[],
        instrumentations: (summary.tracewire as { instrumentations: string[] }).instrumentations,
      };
    }

    it.each([
      ['ESM', 'loaded-modules-app.mjs', esm.nodeArgs],
      ['CommonJS', 'loaded-modules-app.cjs', []],
    ])('%s: loads no instrumentation module', async (_name, script, nodeArgs) => {
      const { loaded, instrumentations } = await loadedModules(script, appDirectory, nodeArgs);
      expect(loaded).toEqual([]);
      expect(
        instrumentations.filter((name) => /instrumentation-(pg|mysql2|ioredis|redis|mongodb)$/.test(name)),
      ).toEqual([]);
    });

    it('the same app run where the clients resolve loads exactly their instrumentations', async () => {
      // The check above can fail: from the core package's directory every client resolves.
      const { loaded, instrumentations } = await loadedModules('loaded-modules-app.cjs', coreDir);
      expect(instrumentations).toEqual(
        expect.arrayContaining([
          '@opentelemetry/instrumentation-pg',
          '@opentelemetry/instrumentation-mysql2',
          '@opentelemetry/instrumentation-ioredis',
          '@opentelemetry/instrumentation-redis',
          '@opentelemetry/instrumentation-mongodb',
        ]),
      );
      expect(loaded.some((file) => file.includes('instrumentation-pg'))).toBe(true);
      // Only the instrumentations: the clients themselves are the app's to load.
      expect(loaded.filter((file) => /[\\/]node_modules[\\/](pg|ioredis|mongodb)[\\/]/.test(file))).toEqual(
        [],
      );
    });
  });
});
