// Real database servers for tests: PostgreSQL, MariaDB and Redis from Debian's packages,
// each on 127.0.0.1 on a free port with its data in a temporary directory, started as an
// unprivileged user where the server refuses root, and always stopped afterwards.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** A running server: where it listens and how to stop it. */
export interface DatabaseServer {
  host: '127.0.0.1';
  port: number;
  /** A connection string for the client libraries (with a throwaway password where the server has one). */
  url: string;
  /** The password the URL carries, so tests can check it appears in no span. */
  password: string;
  stop(): Promise<void>;
}

const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';
const MARIADBD = '/usr/sbin/mariadbd';
const REDIS_SERVER = '/usr/bin/redis-server';

/** Whether each server binary is installed, so a test file can say why it skips. */
export const installedServers = {
  postgres: fs.existsSync(path.join(POSTGRES_BIN, 'postgres')),
  mariadb: fs.existsSync(MARIADBD),
  redis: fs.existsSync(REDIS_SERVER),
};

const running = new Set<ChildProcess>();
// A test run that crashes or is interrupted must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A port nothing listens on (free when checked). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function userIds(name: string): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** A temporary directory the server's user owns. */
function dataDirectory(prefix: string, owner: { uid: number; gid: number } | undefined): string {
  const directory = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (owner && process.getuid?.() === 0) fs.chownSync(directory, owner.uid, owner.gid);
  return directory;
}

/** Starts a server process and resolves once its output says it accepts connections. */
async function startProcess(
  command: string,
  args: string[],
  ready: RegExp,
  owner: { uid: number; gid: number } | undefined,
  timeoutMs = 30_000,
): Promise<ChildProcess> {
  const asOwner = owner && process.getuid?.() === 0 ? owner : {};
  const child = spawn(command, args, { ...asOwner, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(command)} did not become ready in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(
        new Error(`${path.basename(command)} exited (${code ?? signal}) before it was ready:\n${output}`),
      );
    });
  });
  // Keep draining output so a chatty server never blocks on a full pipe.
  child.stdout?.resume();
  child.stderr?.resume();
  return child;
}

async function stopProcess(child: ChildProcess, signal: NodeJS.Signals, directory: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
  fs.rmSync(directory, { recursive: true, force: true });
}

/**
 * PostgreSQL 15: `initdb` with trust authentication for the `tracewire` role, then
 * `postgres` on a free port, both as the `postgres` user (PostgreSQL refuses root).
 *
 * @example
 * const postgres = await startPostgres();
 * const client = new pg.Client({ connectionString: postgres.url });
 */
export async function startPostgres(): Promise<DatabaseServer> {
  const owner = userIds('postgres') ?? userIds('nobody');
  const directory = dataDirectory('tracewire-pg-', owner);
  const data = path.join(directory, 'data');
  const asOwner = owner && process.getuid?.() === 0 ? owner : {};
  execFileSync(
    path.join(POSTGRES_BIN, 'initdb'),
    ['-D', data, '-A', 'trust', '-U', 'tracewire', '-E', 'UTF8', '--no-sync', '--no-instructions'],
    { ...asOwner, stdio: 'ignore' },
  );
  const port = await freePort();
  const child = await startProcess(
    path.join(POSTGRES_BIN, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      directory,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'synchronous_commit=off',
    ],
    /database system is ready to accept connections/,
    owner,
  );
  // Trust authentication ignores the password; the URL carries one so tests can prove
  // it reaches no span.
  const password = 'pg-url-secret-5813';
  return {
    host: '127.0.0.1',
    port,
    password,
    url: `postgres://tracewire:${password}@127.0.0.1:${port}/postgres`,
    stop: () => stopProcess(child, 'SIGINT', directory),
  };
}

/**
 * MariaDB (for mysql2): `mariadbd` on a free port with an empty data directory and
 * `--skip-grant-tables`, which needs no `mariadb-install-db` run and accepts any user,
 * as the `mysql` user.
 *
 * @example
 * const mariadb = await startMariaDb();
 * const connection = await mysql.createConnection(mariadb.url);
 */
export async function startMariaDb(): Promise<DatabaseServer> {
  const owner = userIds('mysql') ?? userIds('nobody');
  const directory = dataDirectory('tracewire-mariadb-', owner);
  const port = await freePort();
  const child = await startProcess(
    MARIADBD,
    [
      '--no-defaults',
      `--datadir=${directory}`,
      `--socket=${path.join(directory, 'mariadb.sock')}`,
      `--pid-file=${path.join(directory, 'mariadb.pid')}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      '--skip-grant-tables',
      '--skip-log-bin',
      '--innodb-buffer-pool-size=8M',
      '--innodb-log-file-size=4M',
      ...(owner ? [`--user=${process.getuid?.() === 0 ? 'mysql' : os.userInfo().username}`] : []),
    ],
    /ready for connections/,
    undefined,
  );
  const password = 'mysql-url-secret-2741';
  return {
    host: '127.0.0.1',
    port,
    password,
    url: `mysql://tracewire:${password}@127.0.0.1:${port}`,
    stop: () => stopProcess(child, 'SIGTERM', directory),
  };
}

/**
 * Redis: `redis-server` on a free port with no persistence and a password, so the
 * clients send `AUTH` and tests can check the password reaches no span.
 *
 * @example
 * const redis = await startRedis();
 * const client = new Redis(redis.url);
 */
export async function startRedis(): Promise<DatabaseServer> {
  const owner = userIds('redis') ?? userIds('nobody');
  const directory = dataDirectory('tracewire-redis-', owner);
  const port = await freePort();
  const password = 'redis-auth-secret-9034';
  const child = await startProcess(
    REDIS_SERVER,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      directory,
      '--requirepass',
      password,
    ],
    /Ready to accept connections/,
    owner,
  );
  return {
    host: '127.0.0.1',
    port,
    password,
    url: `redis://:${password}@127.0.0.1:${port}`,
    stop: () => stopProcess(child, 'SIGTERM', directory),
  };
}
