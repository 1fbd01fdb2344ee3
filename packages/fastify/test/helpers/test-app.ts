import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import type { ObservabilityHandle } from '@tracewire/core';
import type { FastifyInstance } from 'fastify';
import Fastify5 from 'fastify';
import Fastify4 from 'fastify4';
import { type FastifyObservabilityOptions, observability } from '../../src/index.ts';

export type FastifyMajor = 4 | 5;

export interface TestAppOptions {
  major: FastifyMajor;
  /** Give Fastify tracewire's logger (`loggerInstance` on 5, `logger` on 4). */
  fastifyLogger?: boolean;
  plugin?: FastifyObservabilityOptions;
  /**
   * Names the route only the duration-counting test requests, `/count<label>/:id`, so that
   * apps sharing one handle count apart. Default: the major.
   */
  label?: string;
}

export interface TestApp {
  app: FastifyInstance;
  url: string;
  /** Calls the app's `setErrorHandler` saw, by request ID. */
  handledErrors: string[];
  /** Emits `started` and then `closed` (with the request ID) for requests to `/stall/:id`. */
  stalls: EventEmitter;
  close(): Promise<void>;
}

/** An error with an HTTP status, as http-errors and @fastify/sensible make them. */
function httpError(message: string, statusCode: number): Error & { statusCode: number } {
  return Object.assign(new Error(message), { statusCode });
}

/**
 * The app every Fastify test drives, built the same way on Fastify 4 and 5: the routes
 * the acceptance criteria name, a prefixed scope, and a scope with its own error handler.
 */
export async function startTestApp(handle: ObservabilityHandle, options: TestAppOptions): Promise<TestApp> {
  const loggerOption =
    options.fastifyLogger === true
      ? options.major === 5
        ? { loggerInstance: handle.logger, disableRequestLogging: true }
        : { logger: handle.logger, disableRequestLogging: true }
      : {};
  const create = (options.major === 5 ? Fastify5 : Fastify4) as unknown as (
    options: Record<string, unknown>,
  ) => FastifyInstance;
  const app = create(loggerOption);
  await app.register(observability, { handle, ...options.plugin });
  const handledErrors: string[] = [];
  const stalls = new EventEmitter();

  app.get('/healthz', async () => 'ok');
  // Requested only by the test that counts duration data points, one route per app.
  app.get(`/count${options.label ?? options.major}/:id`, async () => 'counted');
  app.get<{ Params: { id: string } }>('/users/:id', async (request) => {
    request.log.info({ user: request.params.id }, 'loading user');
    return { id: request.params.id };
  });
  app.post<{ Params: { id: string }; Body: { name: string } }>('/users/:id', async (request) => {
    request.log.info({ user: request.params.id, name: request.body.name }, 'saving user');
    return { id: request.params.id, name: request.body.name };
  });
  app.get<{ Params: { id: string } }>('/slow/:id', async (request) => {
    await delay(Math.floor(Math.random() * 20));
    request.log.info({ slow: request.params.id }, 'slow request');
    return { id: request.params.id };
  });
  // Answers only once the client has gone away.
  app.get<{ Params: { id: string } }>('/stall/:id', async (request) => {
    const closed = once(request.raw.socket, 'close');
    stalls.emit('started', request.params.id);
    await closed;
    stalls.emit('closed', request.params.id);
    return 'too late';
  });
  app.get<{ Params: { id: string } }>('/boom/:id', (request) => {
    throw new Error(`boom ${request.params.id}`);
  });
  app.get<{ Params: { id: string } }>('/async-boom/:id', async (request) => {
    await delay(1);
    throw new Error(`async boom ${request.params.id}`);
  });
  app.get<{ Params: { id: string } }>('/send-error/:id', (request, reply) => {
    reply.send(new Error(`sent error ${request.params.id}`));
  });
  app.get<{ Params: { id: string } }>('/code-500/:id', (request, reply) => {
    reply.code(500).send(new Error(`code 500 ${request.params.id}`));
  });
  app.get<{ Params: { id: string } }>('/logged-boom/:id', async (request) => {
    const error = new Error(`logged boom ${request.params.id}`);
    request.log.error({ err: error }, 'about to fail');
    throw error;
  });
  app.get<{ Params: { id: string } }>('/bad-request/:id', async (request) => {
    throw httpError(`bad input ${request.params.id}`, 400);
  });
  app.get(
    '/validated',
    {
      schema: {
        querystring: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
      },
    },
    async () => 'valid',
  );
  await app.register(
    async (scope) => {
      scope.get<{ Params: { id: string } }>('/users/:id', async (request) => {
        request.log.info({ user: request.params.id }, 'loading user (v2)');
        return { id: request.params.id, version: 2 };
      });
    },
    { prefix: '/v2' },
  );
  await app.register(
    async (scope) => {
      scope.setErrorHandler(async (error: Error & { statusCode?: number }, request, reply) => {
        handledErrors.push(String(request.headers['x-request-id']));
        if (error.message.startsWith('missing')) return reply.code(404).send({ handled: 'not found' });
        return reply.code(503).send({ handled: 'unavailable' });
      });
      scope.get<{ Params: { id: string } }>('/fail/:id', async (request) => {
        throw new Error(`failing ${request.params.id}`);
      });
      scope.get<{ Params: { id: string } }>('/missing/:id', async (request) => {
        throw new Error(`missing ${request.params.id}`);
      });
    },
    { prefix: '/handled' },
  );

  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    handledErrors,
    stalls,
    close: () => app.close(),
  };
}
