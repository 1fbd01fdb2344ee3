import { AsyncResource } from 'node:async_hooks';
import {
  createRequestObserver,
  type ObservedRequest,
  type RequestObserverOptions,
} from '@tracewire/core/adapter';
import type {
  FastifyInstance,
  FastifyPluginCallback,
  FastifyRequest,
  HookHandlerDoneFunction,
} from 'fastify';
import { createFastifyOtelPlugin, type FastifyOtelOptions } from './fastify-otel-plugin.ts';
import { installRequestLogger } from './request-logger.ts';
import { routeTemplateOf } from './route-template.ts';

/**
 * Options of the `observability` plugin: the ones every tracewire adapter takes, plus
 * Fastify's own.
 *
 * @example
 * const options: FastifyObservabilityOptions = {
 *   requestIdHeader: 'x-correlation-id',
 *   shouldCapture: (_error, status) => status >= 500 || status === 429,
 *   fastifyOtel: { instrumentHandler: true },
 * };
 * await app.register(observability, options);
 */
export interface FastifyObservabilityOptions extends RequestObserverOptions {
  /**
   * `@fastify/otel` spans under the server span: `true` or its settings (`{}` for the
   * defaults) register it, with its `request` span (INTERNAL, the server span's timing
   * again) on every request. Default `false`: @fastify/otel is not even loaded, and each
   * request has the one server span; the server span, logs, metrics and Sentry events
   * are the same either way.
   */
  fastifyOtel?: boolean | FastifyOtelOptions;
}

/** What the plugin keeps per request, under a symbol Fastify decorates requests with. */
interface RequestState {
  readonly observed: ObservedRequest;
  /**
   * Captured inside the request's trace context and Sentry scope (every
   * AsyncLocalStorage store); `runInAsyncScope` re-enters them where an event callback
   * lost them.
   */
  readonly scope: AsyncResource;
  /** The error `onError` saw, reported once the final status code is known. */
  error: unknown;
}

const kState = Symbol('tracewire.fastify.request');
// The status nginx logs for a client that closed the connection before the response.
const CLIENT_CLOSED_REQUEST = 499;

type StatefulRequest = FastifyRequest & { [kState]: RequestState | null };

function stateOf(request: FastifyRequest): RequestState | null {
  return (request as StatefulRequest)[kState];
}

function fastifyOtelOptionsOf(
  setting: FastifyObservabilityOptions['fastifyOtel'],
): FastifyOtelOptions | undefined {
  if (setting === true) return {};
  return setting || undefined;
}

function observabilityPlugin(
  instance: FastifyInstance,
  options: FastifyObservabilityOptions,
  done: (error?: Error) => void,
): void {
  const observer = createRequestObserver(options);
  const { handle } = observer;
  if (instance.hasRequestDecorator(kState)) {
    handle.logger.warn('@tracewire/fastify is registered twice; the second registration is ignored');
    done();
    return;
  }
  const serverLogger = instance.log;
  // The plugin sees every request of this server: OpenTelemetry's http instrumentation
  // steps aside for it, so each request has one server span (the plugin's), from the first.
  observer.ownServer(instance.server);
  instance.decorateRequest(kState, null);

  instance.addHook('onRequest', (request, reply, hookDone) => {
    const observed = observer.start({
      method: request.method,
      url: request.url,
      headers: request.headers,
      scheme: request.protocol,
      httpVersion: request.raw.httpVersion,
      socket: request.raw.socket,
      setResponseHeader: (name, value) => {
        reply.header(name, value);
      },
    });
    installRequestLogger(request, observed, handle.logger, serverLogger);
    if (observed.ignored) {
      observed.run(() => hookDone());
      return;
    }
    const route = routeTemplateOf(request);
    if (route !== undefined) observed.setRoute(route);
    observed.run(() => {
      (request as StatefulRequest)[kState] = {
        observed,
        scope: new AsyncResource('tracewire.fastify.request'),
        error: undefined,
      };
      hookDone();
    });
  });

  // Reading a request body waits for socket events; whether they carry the request's
  // async context depends on the Node.js version and on how the body arrives. From here
  // on the handler runs in it again, whatever happened (trace ID on every log line, the
  // request's own Sentry scope).
  instance.addHook('preValidation', (request, _reply, hookDone) => {
    const state = stateOf(request);
    if (state) state.scope.runInAsyncScope(hookDone);
    else hookDone();
  });

  // onError runs before the error handler decides the status code, so the error is
  // kept and reported in onSend, when the app's (or Fastify's) error handler has
  // answered, or in onResponse when no payload was sent. Neither the error handler nor
  // the response is touched; the observer's failure path reports an error once.
  instance.addHook('onError', (request, _reply, error, hookDone) => {
    const state = stateOf(request);
    if (state && state.error === undefined) state.error = error;
    hookDone();
  });

  instance.addHook('onSend', (request, reply, payload, hookDone) => {
    const state = stateOf(request);
    if (state && state.error !== undefined) state.observed.fail(state.error, reply.statusCode);
    hookDone(null, payload);
  });

  instance.addHook('onResponse', (request, reply, hookDone: HookHandlerDoneFunction) => {
    const state = stateOf(request);
    if (!state) {
      hookDone();
      return;
    }
    // onResponse runs from the response's `finish` event, which need not carry the
    // request's context either; the app's own onResponse hooks and Fastify's
    // "request completed" line, which come after this hook, get it back too.
    state.scope.runInAsyncScope(() => {
      if (state.error !== undefined) state.observed.fail(state.error, reply.statusCode);
      state.observed.finish(reply.statusCode);
      hookDone();
    });
  });

  instance.addHook('onRequestAbort', (request, hookDone) => {
    const state = stateOf(request);
    if (!state) {
      hookDone();
      return;
    }
    state.scope.runInAsyncScope(() => {
      state.observed.finish(CLIENT_CLOSED_REQUEST);
      hookDone();
    });
  });

  const fastifyOtel = fastifyOtelOptionsOf(options.fastifyOtel);
  if (instance.hasPlugin('@fastify/otel')) {
    handle.logger.warn(
      '@fastify/otel was registered before @tracewire/fastify, so its spans may not nest under the server span; register it through the `fastifyOtel` option instead',
    );
  } else if (fastifyOtel) {
    // Registered after tracewire's hooks: its onRequest runs inside the server span's
    // context, so its spans nest under it, and tracewire's hooks get no hook spans.
    instance.register(createFastifyOtelPlugin(fastifyOtel, handle.isIgnoredPath));
  }
  done();
}

const plugin = observabilityPlugin as FastifyPluginCallback<FastifyObservabilityOptions> &
  Record<symbol, unknown>;
// What fastify-plugin would set: hooks apply to the whole app, not an encapsulated
// child context, and the plugin has a name (`app.hasPlugin('@tracewire/fastify')`).
plugin[Symbol.for('skip-override')] = true;
plugin[Symbol.for('fastify.display-name')] = '@tracewire/fastify';
plugin[Symbol.for('plugin-meta')] = { name: '@tracewire/fastify', fastify: '>=4.28.0 <6' };

/**
 * The tracewire Fastify plugin: one server span per request named by route
 * (`GET /users/:id`), `request.log` as tracewire's logger (trace ID and request ID on
 * every line), one access log line, `http.server.request.duration` per route, and 5xx
 * errors captured once in Sentry. `@fastify/otel` spans under the server span are
 * opt-in (`fastifyOtel`).
 *
 * Register it first, and await it, so it sees every route. It applies to the whole app
 * (like a plugin wrapped in fastify-plugin), never replaces the app's error handler,
 * and uses the handle from `initObservability()` (or `options.handle`).
 *
 * @example
 * import { initObservability } from '@tracewire/core';
 * import { observability } from '@tracewire/fastify';
 * import Fastify from 'fastify';
 *
 * const handle = initObservability();
 * const app = Fastify({ loggerInstance: handle.logger }); // Fastify 4: { logger: handle.logger }
 * await app.register(observability);
 * app.get('/users/:id', async (request) => {
 *   request.log.info('loading user'); // carries trace_id, span_id and request_id
 *   return { id: (request.params as { id: string }).id };
 * });
 */
export const observability: FastifyPluginCallback<FastifyObservabilityOptions> = plugin;
