// A throwing `shouldCapture` changes nothing the app or its client sees: the same app
// answers the same way without tracewire, with tracewire's default, and with the throwing
// callback; `app.on('error')` and the app's error middleware get the very errors the
// routes threw; the default decides what reaches Sentry; the problem is logged once.
import Router, { type RouterContext } from '@koa/router';
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import Koa from 'koa';
import Koa2 from 'koa2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KoaObservabilityOptions, observability } from '../src/index.ts';
import type { KoaConstructor } from './helpers/build-app.ts';
import { type ListeningApp, listen } from './helpers/listen.ts';
import { fetchAnswer, startTracedSink, type TracedSink } from '@tracewire/testing/fixtures';

let traced: TracedSink<ObservabilityHandle>;
const servers: ListeningApp[] = [];

beforeAll(async () => {
  traced = await startTracedSink({ init: initObservability, serviceName: 'koa-should-capture-guard-test' });
});

afterAll(async () => {
  for (const server of servers) await server.close();
  await traced.close();
});

const throwingShouldCapture: KoaObservabilityOptions['shouldCapture'] = () => {
  throw new TypeError('predicate exploded');
};

/** The same app, with or without tracewire; every error the app's handlers see, in order. */
function buildApp(KoaClass: KoaConstructor, tracewire: false | KoaObservabilityOptions) {
  const app = new KoaClass();
  const thrown: unknown[] = [];
  const appErrors: unknown[] = [];
  const caughtByMiddleware: unknown[] = [];
  app.on('error', (error: unknown) => {
    appErrors.push(error);
  });
  if (tracewire) app.use(observability(tracewire));
  // Koa's documented error middleware pattern, for /swallow only.
  app.use(async (ctx, next) => {
    if (!ctx.path.startsWith('/swallow/')) return next();
    try {
      await next();
    } catch (error) {
      caughtByMiddleware.push(error);
      ctx.status = 500;
      ctx.body = { error: 'internal' };
      ctx.app.emit('error', error, ctx);
    }
  });
  const router = new Router();
  const fail = (message: string) => {
    const error = new Error(message);
    thrown.push(error);
    throw error;
  };
  router.get('/fail/:id', (ctx: RouterContext) => fail(`failed ${ctx.params.id}`));
  router.get('/swallow/:id', (ctx: RouterContext) => fail(`swallowed ${ctx.params.id}`));
  router.get('/invalid/:id', (ctx: RouterContext) => {
    try {
      ctx.throw(400, `invalid ${ctx.params.id}`);
    } catch (error) {
      thrown.push(error);
      throw error;
    }
  });
  router.get('/status/:id', (ctx: RouterContext) => {
    ctx.status = 503;
    ctx.body = 'set without an error';
  });
  app.use(router.routes());
  return { app, thrown, appErrors, caughtByMiddleware };
}

const majors: [string, KoaConstructor][] = [
  ['Koa 2', Koa2],
  ['Koa 3', Koa],
];

describe.each(majors)('%s with a throwing shouldCapture', (major, KoaClass) => {
  const tag = major.replace(' ', '').toLowerCase();

  it("answers, hands the app's handlers their errors and reports to Sentry exactly as without the option", async () => {
    const variants = {
      plain: buildApp(KoaClass, false),
      byDefault: buildApp(KoaClass, {}),
      throwing: buildApp(KoaClass, { shouldCapture: throwingShouldCapture }),
    };
    const paths = ['/invalid/1', '/fail/2', '/swallow/3', '/status/4'];
    const answers: Record<string, unknown[]> = {};
    for (const [name, variant] of Object.entries(variants)) {
      const server = await listen(variant.app);
      servers.push(server);
      answers[name] = [];
      for (const path of paths) {
        answers[name].push(await fetchAnswer(`${server.url}${path}`, `${name}-${path.split('/')[1]}-${tag}`));
      }
    }
    expect(answers.plain?.map((entry) => (entry as { status: number }).status)).toEqual([400, 500, 500, 503]);
    expect(answers.byDefault).toEqual(answers.plain);
    expect(answers.throwing).toEqual(answers.plain);
    for (const variant of Object.values(variants)) {
      expect(variant.thrown).toHaveLength(3);
      // Koa reported the very errors the routes threw (the swallowed one through the
      // app's own emit), and the error middleware caught its own.
      expect(variant.appErrors).toHaveLength(3);
      for (const [index, error] of variant.appErrors.entries()) expect(error).toBe(variant.thrown[index]);
      expect(variant.caughtByMiddleware).toEqual([variant.thrown[2]]);
    }

    // The default decided: the two 5xx errors reached Sentry; the 4xx and the bare 503
    // (no error to report) did not, as without the option.
    await traced.handle.flush();
    for (const name of ['byDefault', 'throwing']) {
      for (const [kind, message] of [
        ['fail', 'failed 2'],
        ['swallow', 'swallowed 3'],
      ]) {
        const event = await traced.sink.waitFor((s) =>
          s.sentry.events.find((candidate) => candidate.tags?.request_id === `${name}-${kind}-${tag}`),
        );
        expect(event.exception?.values?.[0]?.value).toBe(message);
      }
      for (const kind of ['invalid', 'status']) {
        expect(
          traced.sink.sentry.events.filter((event) => event.tags?.request_id === `${name}-${kind}-${tag}`),
        ).toEqual([]);
      }
    }

    // Four calls threw on each major; the problem is reported once for the process.
    const reports = traced.logs.lines.filter((line) => line.code === 'TW_CALLBACK_FAILED');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ level: 'warn' });
    expect(String(reports[0]?.msg)).toContain('TypeError: predicate exploded');
  });
});
