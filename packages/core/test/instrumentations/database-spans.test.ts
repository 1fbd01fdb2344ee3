// Database spans against real servers: PostgreSQL (pg), MariaDB (mysql2) and Redis
// (ioredis, node-redis 4, 5 and 6), each query run inside a request whose server span the
// request observer starts. The clients are required after initObservability(), as a
// CommonJS app does, so require-in-the-middle patches them on load.
import http from 'node:http';
import path from 'node:path';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { startTestSink, type TestSink } from '@tracewire/testing';
import type { ReceivedSpan } from '@tracewire/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestObserver } from '../../src/adapter.ts';
import { initObservability, type ObservabilityHandle } from '../../src/index.ts';
import { coreDir } from '../helpers/child-app.ts';
import {
  type DatabaseServer,
  freePort,
  installedServers,
  memoryDestination,
  startMariaDb,
  startPostgres,
  startRedis,
} from '@tracewire/testing/fixtures';
import { nodeRequestInfo } from '../helpers/node-request-info.ts';

const requireFromTest = createRequire(import.meta.url);
const allInstalled = installedServers.postgres && installedServers.mariadb && installedServers.redis;

// Values a request sends: none of them may appear in any span or log line.
const SECRET_EMAIL = 'alice.secret@example.com';
const SECRET_ID = 48151623;
const SECRET_VALUE = 'cached-value-that-is-private';
const MONGO_PASSWORD = 'mongo-url-secret-6627';

type Handler = () => Promise<void>;

describe.skipIf(!allInstalled)('database spans against real servers', () => {
  let sink: TestSink;
  let handle: ObservabilityHandle;
  let server: http.Server;
  let baseUrl: string;
  let postgres: DatabaseServer;
  let mariadb: DatabaseServer;
  let redis: DatabaseServer;
  const logs = memoryDestination();
  const routes = new Map<string, Handler>();
  const closers: (() => Promise<unknown>)[] = [];

  beforeAll(async () => {
    // Each server is stopped in afterAll even when another failed to start.
    const started = await Promise.allSettled([startPostgres(), startMariaDb(), startRedis()]);
    const [pgResult, mariadbResult, redisResult] = started;
    if (pgResult.status === 'fulfilled') postgres = pgResult.value;
    if (mariadbResult.status === 'fulfilled') mariadb = mariadbResult.value;
    if (redisResult.status === 'fulfilled') redis = redisResult.value;
    for (const result of started) if (result.status === 'rejected') throw result.reason;

    sink = await startTestSink();
    handle = initObservability({
      env: { ...sink.env, TRACEWIRE_METRICS: 'none', OTEL_SERVICE_NAME: 'database-test' },
      // The sink runs in this process: its receiver paths are not app traffic.
      ignoredPaths: ['/v1/*', '/api/*'],
      cwd: coreDir,
      logDestination: logs,
      handleSignals: false,
    });

    const pg = requireFromTest('pg') as typeof import('pg');
    const mysql = requireFromTest('mysql2/promise') as typeof import('mysql2/promise');
    const IORedis = (requireFromTest('ioredis') as typeof import('ioredis')).default;
    const redis5 = requireFromTest('redis') as typeof import('redis');
    const redis4 = requireFromTest('redis4') as typeof import('redis');
    const redis6 = requireFromTest('redis6') as typeof import('redis');

    const pool = new pg.Pool({ connectionString: postgres.url, max: 2 });
    closers.push(() => pool.end());
    await pool.query('CREATE TABLE users (id integer PRIMARY KEY, email text)');
    await pool.query('INSERT INTO users VALUES ($1, $2)', [SECRET_ID, SECRET_EMAIL]);

    const connection = await mysql.createConnection(mariadb.url);
    closers.push(() => connection.end());
    await connection.query('CREATE DATABASE app');
    await connection.query('CREATE TABLE app.orders (id integer PRIMARY KEY, email varchar(100))');

    const ioredis = new IORedis(redis.url);
    closers.push(() => ioredis.quit());
    const nodeRedis = {
      redis4: redis4.createClient({ url: redis.url }),
      redis5: redis5.createClient({ url: redis.url }),
      redis6: redis6.createClient({ url: redis.url }),
    };
    for (const client of Object.values(nodeRedis)) {
      await client.connect();
      closers.push(() => client.quit());
    }

    routes.set('/pg', async () => {
      await pool.query(`SELECT id, email FROM users WHERE id = $1 AND email = '${SECRET_EMAIL}'`, [
        SECRET_ID,
      ]);
    });
    routes.set('/pg-fail', async () => {
      await pool.query('SELECT * FROM missing_table WHERE id = $1', [SECRET_ID]);
    });
    routes.set('/mysql2', async () => {
      await connection.execute('INSERT INTO app.orders (id, email) VALUES (?, ?)', [SECRET_ID, SECRET_EMAIL]);
      await connection.query(
        `SELECT * FROM app.orders WHERE email = "${SECRET_EMAIL}" AND id = ${SECRET_ID}`,
      );
    });
    routes.set('/ioredis', async () => {
      await ioredis.set('user:42', SECRET_VALUE);
    });
    for (const [name, client] of Object.entries(nodeRedis)) {
      routes.set(`/${name}`, async () => {
        await client.set(`${name}:42`, SECRET_VALUE);
      });
    }

    // MongoDB has no Debian package: no server here. A port nothing listens on makes the
    // driver fail the way an unreachable database does.
    const { MongoClient } = requireFromTest('mongodb') as typeof import('mongodb');
    const mongoUrl = `mongodb://tracewire:${MONGO_PASSWORD}@127.0.0.1:${await freePort()}/app`;
    routes.set('/mongodb', async () => {
      const client = new MongoClient(mongoUrl, { serverSelectionTimeoutMS: 200, connectTimeoutMS: 200 });
      try {
        await client.db('app').collection('users').findOne({ email: SECRET_EMAIL });
      } finally {
        await client.close();
      }
    });

    const observer = createRequestObserver({ handle });
    server = http.createServer((request, response) => {
      const observed = observer.start(nodeRequestInfo(request, response));
      observed.run(() => {
        const route = routes.get(request.url ?? '');
        if (!route) {
          response.statusCode = 404;
          response.end();
          return;
        }
        observed.setRoute(request.url ?? '/');
        observed.log.info('running the query');
        route().then(
          () => response.end('ok'),
          (error: unknown) => {
            response.statusCode = 500;
            observed.fail(error, 500);
            response.end();
          },
        );
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await Promise.allSettled(closers.map((close) => close()));
    if (server) await new Promise((resolve) => server.close(resolve));
    await handle?.shutdown();
    await sink?.close();
    await Promise.allSettled([postgres?.stop(), mariadb?.stop(), redis?.stop()]);
  });

  /** Runs one request; resolves with its server span and the database client spans under it. */
  async function request(path: string, status = 200) {
    const response = await fetch(`${baseUrl}${path}`);
    expect(response.status).toBe(status);
    await handle.flush();
    const serverSpan = await sink.waitFor((s) =>
      s.spans.find(
        (span) => span.receiver === 'otlp' && span.kind === 'server' && span.name === `GET ${path}`,
      ),
    );
    const children = sink.spans.filter(
      (span) =>
        span.receiver === 'otlp' &&
        span.traceId === serverSpan.traceId &&
        span.kind === 'client' &&
        // The test's own fetch is a client span of the same trace too.
        span.attributes['db.system.name'] !== undefined,
    );
    const logLine = logs.lines.find(
      (line) => line.msg === 'running the query' && line.trace_id === serverSpan.traceId,
    );
    return { serverSpan, children, logLine };
  }

  function expectNoSecrets(spans: readonly ReceivedSpan[], password: string): void {
    const text = JSON.stringify(spans);
    for (const secret of [SECRET_EMAIL, String(SECRET_ID), SECRET_VALUE, password])
      expect(text).not.toContain(secret);
  }

  it('pg: a query span under the request, with the text but no literal or bound value', async () => {
    const { serverSpan, children, logLine } = await request('/pg');
    const query = children.find((span) => span.attributes['db.query.text']?.toString().startsWith('SELECT'));
    expect(query).toBeDefined();
    expect(query?.parentSpanId).toBe(serverSpan.spanId);
    expect(query?.attributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.namespace': 'postgres',
      'server.address': '127.0.0.1',
      'server.port': postgres.port,
      'db.query.text': 'SELECT id, email FROM users WHERE id = $1 AND email = ?',
    });
    expect(query?.scope.name).toBe('@opentelemetry/instrumentation-pg');
    expect(logLine?.span_id).toBe(serverSpan.spanId);
    expectNoSecrets(children, postgres.password);
  });

  it('pg: a failing query marks its span ERROR, and the Sentry event carries its trace', async () => {
    const { serverSpan, children } = await request('/pg-fail', 500);
    const query = children.find((span) => String(span.attributes['db.query.text']).includes('missing_table'));
    expect(query?.parentSpanId).toBe(serverSpan.spanId);
    expect(query?.status.code).toBe(2);
    expect(query?.status.message).toBe('relation "missing_table" does not exist');
    const event = await sink.waitFor((s) =>
      s.sentry.events.find((candidate) => candidate.contexts?.trace?.trace_id === query?.traceId),
    );
    expect(event.exception?.values?.[0]?.value).toContain('missing_table');
    expectNoSecrets(children, postgres.password);
  });

  it('mysql2: prepared and literal statements are recorded with ? for every value', async () => {
    const { serverSpan, children } = await request('/mysql2');
    const texts = children.map((span) => span.attributes['db.query.text']);
    expect(texts).toEqual([
      'INSERT INTO app.orders (id, email) VALUES (?, ?)',
      'SELECT * FROM app.orders WHERE email = ? AND id = ?',
    ]);
    for (const span of children) {
      expect(span.parentSpanId).toBe(serverSpan.spanId);
      expect(span.attributes).toMatchObject({
        'db.system.name': 'mysql',
        'server.address': '127.0.0.1',
        'server.port': mariadb.port,
      });
    }
    expectNoSecrets(children, mariadb.password);
  });

  it('ioredis: command and key only, never the value or the AUTH password', async () => {
    const { serverSpan, children, logLine } = await request('/ioredis');
    const set = children.find((span) => span.attributes['db.operation.name'] === 'set');
    expect(set?.parentSpanId).toBe(serverSpan.spanId);
    expect(set?.attributes).toMatchObject({
      'db.system.name': 'redis',
      'db.query.text': 'set user:42',
      'server.address': '127.0.0.1',
      'server.port': redis.port,
    });
    expect(logLine?.trace_id).toBe(set?.traceId);
    expectNoSecrets(children, redis.password);
    // The connection's AUTH ran outside any request: its span keeps no argument either.
    const auth = sink.spans.filter(
      (span) => String(span.attributes['db.operation.name']).toLowerCase() === 'auth',
    );
    for (const span of auth) expect(span.attributes['db.query.text']).toMatch(/^auth$/i);
    expectNoSecrets(sink.spans, redis.password);
  });

  it.each(['redis4', 'redis5', 'redis6'])('node-redis (%s): command and key only', async (name) => {
    const { serverSpan, children, logLine } = await request(`/${name}`);
    const set = children.find((span) => String(span.attributes['db.operation.name']).toUpperCase() === 'SET');
    expect(set?.parentSpanId).toBe(serverSpan.spanId);
    expect(set?.attributes).toMatchObject({
      'db.system.name': 'redis',
      'db.query.text': `SET ${name}:42`,
      'server.address': '127.0.0.1',
      'server.port': redis.port,
    });
    expect(logLine?.trace_id).toBe(set?.traceId);
    expectNoSecrets(children, redis.password);
  });

  it('mongodb: the instrumentation patched the driver the app required', () => {
    const { isWrapped } = requireFromTest(
      '@opentelemetry/instrumentation',
    ) as typeof import('@opentelemetry/instrumentation');
    const driverDir = path.dirname(requireFromTest.resolve('mongodb'));
    const { Connection } = requireFromTest(path.join(driverDir, 'cmap', 'connection.js')) as {
      Connection: { prototype: { command: unknown } };
    };
    expect(isWrapped(Connection.prototype.command)).toBe(true);
  });

  it('mongodb: an unreachable server fails the request, whose span and Sentry event say so, with no secret', async () => {
    const { serverSpan } = await request('/mongodb', 500);
    expect(serverSpan.status.code).toBe(2);
    const event = await sink.waitFor((s) =>
      s.sentry.events.find((candidate) => candidate.contexts?.trace?.trace_id === serverSpan.traceId),
    );
    expect(event.exception?.values?.[0]?.value).toMatch(/ECONNREFUSED 127\.0\.0\.1/);
    // The driver never connected, so it ran no command: the instrumentation spans
    // commands only, and made none for this request.
    const mongoSpans = sink.spans.filter((span) => span.attributes['db.system.name'] === 'mongodb');
    expect(mongoSpans).toEqual([]);
    const everything = JSON.stringify({ spans: sink.spans, events: sink.sentry.events, logs: logs.lines });
    expect(everything).not.toContain(MONGO_PASSWORD);
    expect(everything).not.toContain(SECRET_EMAIL);
  });
});
