import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { IORedisInstrumentationConfig } from '@opentelemetry/instrumentation-ioredis';
import type { MongoDBInstrumentationConfig } from '@opentelemetry/instrumentation-mongodb';
import type { MySQL2InstrumentationConfig } from '@opentelemetry/instrumentation-mysql2';
import type { PgInstrumentationConfig } from '@opentelemetry/instrumentation-pg';
import type { RedisInstrumentationConfig } from '@opentelemetry/instrumentation-redis';
import { redisCommandWithKey, redisFullCommand } from './redis-statement.ts';
import { sanitizeSqlText } from './sanitize-sql-text.ts';

/**
 * How much of a statement database spans record: `sanitized` (the default) keeps the
 * statement with every literal value replaced by `?` and Redis commands with their key
 * only; `full` records values too.
 *
 * @example
 * initObservability({ dbStatements: 'sanitized' }); // the default
 */
export type DatabaseStatements = 'sanitized' | 'full';

/** Loads a module by id; `require` relative to tracewire, injectable for tests. */
export type ModuleLoader = (id: string) => unknown;

/**
 * One database client tracewire instruments out of the box: which libraries make it
 * apply, which OpenTelemetry instrumentation does the work, and what its spans hold.
 *
 * @example
 * const pg = DATABASE_INSTRUMENTATIONS.find((entry) => entry.name === 'pg');
 * console.log(pg?.libraries); // ['pg', 'pg-pool']
 */
export interface DatabaseInstrumentation {
  /** The name used in `TRACEWIRE_INSTRUMENTATIONS`. */
  name: string;
  /** Packages the app may depend on; any one of them resolving makes the entry apply. */
  libraries: readonly string[];
  /** The OpenTelemetry instrumentation package, loaded only when a library resolves. */
  packageName: string;
  /** What a span records by default, for `tracewire config` and the docs. */
  records: string;
  /** What a span never records unless statements are `full`. */
  neverRecords: string;
  create(statements: DatabaseStatements, load: ModuleLoader): Instrumentation;
}

const DATABASE_ATTRIBUTES = 'db.system.name, db.namespace, db.operation.name, server.address, server.port';

// Each `create` loads its instrumentation package only when called: the catalogue itself
// imports types alone, so an app without a database loads none of these packages.
const pg: DatabaseInstrumentation = {
  name: 'pg',
  libraries: ['pg', 'pg-pool'],
  packageName: '@opentelemetry/instrumentation-pg',
  records: `${DATABASE_ATTRIBUTES}, db.query.text with literals replaced by ? ($1 placeholders kept), connect spans`,
  neverRecords: 'bound parameter values, literal values in the text, passwords or connection strings',
  create(statements, load) {
    const { PgInstrumentation } = load(
      this.packageName,
    ) as typeof import('@opentelemetry/instrumentation-pg');
    const config: PgInstrumentationConfig =
      statements === 'full'
        ? { enhancedDatabaseReporting: true }
        : {
            enhancedDatabaseReporting: false,
            // pg records the text as written: a literal typed into it would reach the span.
            requestHook(span, { query }) {
              if (typeof query.text === 'string')
                span.setAttribute('db.query.text', sanitizeSqlText(query.text));
            },
          };
    return new PgInstrumentation(config) as unknown as Instrumentation;
  },
};

const mysql2: DatabaseInstrumentation = {
  name: 'mysql2',
  libraries: ['mysql2'],
  packageName: '@opentelemetry/instrumentation-mysql2',
  records: `${DATABASE_ATTRIBUTES}, db.query.text with literals replaced by ?`,
  neverRecords: 'bound values (the instrumentation would otherwise inline them), passwords',
  create(statements, load) {
    const { MySQL2Instrumentation } = load(
      this.packageName,
    ) as typeof import('@opentelemetry/instrumentation-mysql2');
    // Unmasked, the instrumentation formats the bound values into the text it records.
    const config: MySQL2InstrumentationConfig =
      statements === 'full'
        ? { maskStatement: false }
        : {
            maskStatement: true,
            maskStatementHook: (query) => sanitizeSqlText(query, { doubleQuotedStrings: true }),
          };
    return new MySQL2Instrumentation(config) as unknown as Instrumentation;
  },
};

const ioredis: DatabaseInstrumentation = {
  name: 'ioredis',
  libraries: ['ioredis'],
  packageName: '@opentelemetry/instrumentation-ioredis',
  records: 'db.system.name, db.operation.name, server.address, server.port, db.query.text as command + key',
  neverRecords: 'values written, further arguments, AUTH passwords, scripts',
  create(statements, load) {
    const { IORedisInstrumentation } = load(
      this.packageName,
    ) as typeof import('@opentelemetry/instrumentation-ioredis');
    const config: IORedisInstrumentationConfig = {
      dbStatementSerializer: statements === 'full' ? redisFullCommand : redisCommandWithKey,
    };
    return new IORedisInstrumentation(config) as unknown as Instrumentation;
  },
};

const redis: DatabaseInstrumentation = {
  name: 'redis',
  // node-redis 4+ does its work in @redis/client, which is what the instrumentation patches.
  libraries: ['redis', '@redis/client'],
  packageName: '@opentelemetry/instrumentation-redis',
  records: 'db.system.name, db.operation.name, server.address, server.port, db.query.text as command + key',
  neverRecords: 'values written, further arguments, AUTH passwords, scripts',
  create(statements, load) {
    const { RedisInstrumentation } = load(
      this.packageName,
    ) as typeof import('@opentelemetry/instrumentation-redis');
    const config: RedisInstrumentationConfig = {
      dbStatementSerializer: statements === 'full' ? redisFullCommand : redisCommandWithKey,
    };
    return new RedisInstrumentation(config) as unknown as Instrumentation;
  },
};

const mongodb: DatabaseInstrumentation = {
  name: 'mongodb',
  libraries: ['mongodb'],
  packageName: '@opentelemetry/instrumentation-mongodb',
  records: `${DATABASE_ATTRIBUTES}, db.collection.name, db.query.text as the command with every value replaced by ?`,
  neverRecords: 'document and filter values, passwords or connection strings',
  create(statements, load) {
    const { MongoDBInstrumentation } = load(
      this.packageName,
    ) as typeof import('@opentelemetry/instrumentation-mongodb');
    const config: MongoDBInstrumentationConfig = { enhancedDatabaseReporting: statements === 'full' };
    return new MongoDBInstrumentation(config) as unknown as Instrumentation;
  },
};

/**
 * Every database instrumentation tracewire knows, in documentation order. The names are
 * what `TRACEWIRE_INSTRUMENTATIONS` accepts.
 *
 * @example
 * import { DATABASE_INSTRUMENTATIONS } from '@tracewire/core';
 * console.log(DATABASE_INSTRUMENTATIONS.map((entry) => entry.name).join(', ')); // pg, mysql2, ioredis, redis, mongodb
 */
export const DATABASE_INSTRUMENTATIONS: readonly DatabaseInstrumentation[] = Object.freeze([
  pg,
  mysql2,
  ioredis,
  redis,
  mongodb,
]);

/**
 * The names `TRACEWIRE_INSTRUMENTATIONS` accepts besides `default` and `none`.
 *
 * @example
 * import { DATABASE_INSTRUMENTATION_NAMES } from '@tracewire/core';
 * DATABASE_INSTRUMENTATION_NAMES.includes('pg'); // true
 */
export const DATABASE_INSTRUMENTATION_NAMES: readonly string[] = Object.freeze(
  DATABASE_INSTRUMENTATIONS.map((entry) => entry.name),
);
