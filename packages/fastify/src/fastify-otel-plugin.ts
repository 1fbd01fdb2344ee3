import { createRequire } from 'node:module';
import type { FastifyOtelInstrumentation } from '@fastify/otel';
import type { Span } from '@opentelemetry/api';
import { REQUEST_FIELD_LIMITS, truncateRequestField } from '@tracewire/core/adapter';
import type { FastifyPluginCallback, FastifyRequest } from 'fastify';

/**
 * A Fastify lifecycle hook @fastify/otel can wrap in a span of its own.
 *
 * @example
 * const hooks: FastifyOtelHookName[] = ['preHandler', 'onSend'];
 * await app.register(observability, { fastifyOtel: { instrumentHooks: hooks } });
 */
export type FastifyOtelHookName =
  | 'onRequest'
  | 'preParsing'
  | 'preValidation'
  | 'preHandler'
  | 'preSerialization'
  | 'onSend'
  | 'onResponse'
  | 'onError';

/**
 * Which spans `@fastify/otel` (the Fastify team's OpenTelemetry instrumentation) adds
 * under the server span. Its `request` span (INTERNAL, `fastify.root` attribute) is
 * always there while it is on; the rest is chosen here.
 *
 * @example
 * await app.register(observability, {
 *   fastifyOtel: { instrumentHandler: true, instrumentHooks: ['preHandler'] },
 * });
 */
export interface FastifyOtelOptions {
  /**
   * A child span per lifecycle hook (`true`, or a list of hook names). Default `false`:
   * a span per hook per request costs more than it tells in most services; turn it on
   * for the routes you are profiling with `config: { otel: { instrumentHooks: true } }`.
   */
  instrumentHooks?: boolean | FastifyOtelHookName[];
  /**
   * A child span around the route handler (`handler - <function name or route>`). Default
   * `false`: it repeats the server and `request` spans' timing for most routes and costs
   * about a fifth of a request's instrumentation; turn it on to see handler time apart
   * from hooks.
   */
  instrumentHandler?: boolean;
  /**
   * Record thrown errors as exception events on @fastify/otel's own spans too. Default
   * `false`: tracewire already records them once on the server span.
   */
  recordExceptions?: boolean;
  /** Called with @fastify/otel's `request` span right after it starts. */
  requestHook?: (span: Span, request: FastifyRequest) => void;
  /** Called with each hook or handler span right after it starts. */
  lifecycleHook?: (span: Span, info: { hookName: string; request: FastifyRequest; handler?: string }) => void;
}

type LifecycleHook = NonNullable<FastifyOtelOptions['lifecycleHook']>;
type RequestHook = NonNullable<FastifyOtelOptions['requestHook']>;

/**
 * @fastify/otel sets `url.path` to `request.url`, query string included, where tokens
 * and signatures travel; the http instrumentation and tracewire's own server span
 * redact or drop the query. Its `request` span gets the bare path, bounded as tracewire
 * bounds every field it writes from request data.
 */
function dropQueryFromUrlPath(userHook: RequestHook | undefined): RequestHook {
  return (span, request) => {
    const queryStart = request.url.indexOf('?');
    const path = queryStart === -1 ? request.url : request.url.slice(0, queryStart);
    if (queryStart !== -1 || path.length > REQUEST_FIELD_LIMITS.path) {
      span.setAttribute('url.path', truncateRequestField(path, REQUEST_FIELD_LIMITS.path));
    }
    userHook?.(span, request);
  };
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * @fastify/otel names a handler span after the handler function, and an anonymous one
 * (`app.get('/users/:id', async () => …)`) after the plugin chain that declared it
 * (`handler - fastify -> @tracewire/fastify -> …`), which reads like a plugin name.
 * Anonymous handlers are named after their route instead: `handler - /users/:id`.
 */
function nameAnonymousHandlerSpans(userHook: LifecycleHook | undefined): LifecycleHook {
  return (span, info) => {
    if (info.hookName === 'handler' && (info.handler === undefined || !IDENTIFIER.test(info.handler))) {
      const route = info.request.routeOptions.url;
      if (route) span.updateName(`handler - ${route}`);
    }
    userHook?.(span, info);
  };
}

interface FastifyOtelModule {
  FastifyOtelInstrumentation: typeof FastifyOtelInstrumentation;
}

// tsdown writes `import.meta.url` as this file's own URL in the CommonJS build.
const requireFromHere = createRequire(import.meta.url);

/**
 * @fastify/otel is loaded only when a plugin registration asks for it: it brings its own
 * copies of `@opentelemetry/instrumentation` 0.222 and `core` 2.x, which a service that
 * does not use it should not pay for at startup. It is CommonJS only, so `require` gives
 * the same module instance an app's own `import` or `require` of it would.
 */
function loadFastifyOtel(): FastifyOtelModule {
  return requireFromHere('@fastify/otel') as FastifyOtelModule;
}

/**
 * The `@fastify/otel` plugin, configured for tracewire: paths tracewire ignores get no
 * spans from it either, and it only adds what `FastifyOtelOptions` asks for.
 *
 * @fastify/otel depends on an older `@opentelemetry/instrumentation`/`core` than the
 * SDK tracewire starts; the two meet through the shared `@opentelemetry/api` peer only:
 * its tracer comes from the API's global tracer provider, which is tracewire's.
 */
export function createFastifyOtelPlugin(
  options: FastifyOtelOptions,
  isIgnoredPath: (path: string) => boolean,
): FastifyPluginCallback {
  const { FastifyOtelInstrumentation: Instrumentation } = loadFastifyOtel();
  const instrumentation = new Instrumentation({
    instrumentHooks: options.instrumentHooks ?? false,
    instrumentHandler: options.instrumentHandler ?? false,
    recordExceptions: options.recordExceptions ?? false,
    requestHook: dropQueryFromUrlPath(options.requestHook),
    lifecycleHook: nameAnonymousHandlerSpans(options.lifecycleHook),
    // Called with the route template when routes are added (an ignored route is not
    // wrapped at all) and with the raw URL on every request.
    ignorePaths: (route) => isIgnoredPath(route.url),
  });
  return instrumentation.plugin() as unknown as FastifyPluginCallback;
}
