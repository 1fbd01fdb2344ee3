// A throwing `shouldCapture` changes nothing the app or its client sees: the same app
// answers the same way without tracewire, with tracewire's default, and with the throwing
// callback; the app's error handler gets the very errors the routes threw; the default
// decides what reaches Sentry; and the problem is logged once. Fastify 4 and 5.
import { initObservability, type ObservabilityHandle } from '@tracewire/core';
import type { FastifyInstance } from 'fastify';
import Fastify5 from 'fastify';
import Fastify4 from 'fastify4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FastifyObservabilityOptions, observability } from '../src/index.ts';
import { startTracedSink, type TracedSink } from '@tracewire/testing/fixtures';

let traced: TracedSink<ObservabilityHandle>;
const openApps: FastifyInstance[] = [];

beforeAll(async () => {
  traced = await startTracedSink({
    init: initObservability,
    serviceName: 'fastify-should-capture-guard-test',
  });
});

afterAll(async () => {
  for (const app of openApps.splice(0)) await app.close();
  await traced.close();
});

const factories = { 5: Fastify5, 4: Fastify4 } as unknown as Record<
  4 | 5,
  (options?: Record<string, unknown>) => FastifyInstance
>;

const throwingShouldCapture: FastifyObservabilityOptions['shouldCapture'] = () => {
  throw new TypeError('predicate exploded');
};

/** The same app, with or without tracewire; `thrown` and `handled` record errors by request. */
async function buildApp(major: 4 | 5, tracewire: false | FastifyObservabilityOptions) {
  const app = factories[major]();
  openApps.push(app);
  const thrown: unknown[] = [];
  const handled: unknown[] = [];
  if (tracewire) await app.register(observability, { handle: traced.handle, ...tracewire });
  const fail = (error: Error) => {
    thrown.push(error);
    throw error;
  };
  app.get<{ Params: { id: string } }>('/fail/:id', async (request) =>
    fail(new Error(`failed ${request.params.id}`)),
  );
  app.get<{ Params: { id: string } }>('/invalid/:id', async (request) =>
    fail(Object.assign(new Error(`invalid ${request.params.id}`), { statusCode: 400 })),
  );
  // Answered by the app's own error handler, in a scope of its own.
  await app.register(async (scope) => {
    scope.setErrorHandler((error, _request, reply) => {
      handled.push(error);
      void reply.status(502).send({ handled: (error as Error).message });
    });
    scope.get<{ Params: { id: string } }>('/handled/:id', async (request) =>
      fail(new Error(`handled ${request.params.id}`)),
    );
  });
  await app.ready();
  return { app, thrown, handled };
}

describe.each([5, 4] as const)('Fastify %i with a throwing shouldCapture', (major) => {
  it("answers, hands the app's error handler its errors and reports to Sentry exactly as without the option", async () => {
    const variants = {
      plain: await buildApp(major, false),
      byDefault: await buildApp(major, {}),
      throwing: await buildApp(major, { shouldCapture: throwingShouldCapture }),
    };
    const paths = ['/invalid/1', '/fail/2', '/handled/3'];
    const answers: Record<string, unknown[]> = {};
    for (const [name, variant] of Object.entries(variants)) {
      answers[name] = [];
      for (const path of paths) {
        const response = await variant.app.inject({
          url: path,
          headers: { 'x-request-id': `${name}-${path.split('/')[1]}-${major}` },
        });
        answers[name].push({
          status: response.statusCode,
          contentType: response.headers['content-type'],
          body: response.body,
        });
      }
    }
    expect(answers.plain?.map((entry) => (entry as { status: number }).status)).toEqual([400, 500, 502]);
    expect(answers.byDefault).toEqual(answers.plain);
    expect(answers.throwing).toEqual(answers.plain);
    for (const variant of Object.values(variants)) {
      expect(variant.thrown).toHaveLength(3);
      expect(variant.handled).toHaveLength(1);
      expect(variant.handled[0]).toBe(variant.thrown[2]);
    }

    // The default decided: the 500 reached Sentry; the 400 and the app's 502 answer
    // (a 5xx, so also captured by default) behave as without the option.
    await traced.handle.flush();
    for (const name of ['byDefault', 'throwing']) {
      for (const [kind, message] of [
        ['fail', 'failed 2'],
        ['handled', 'handled 3'],
      ]) {
        const event = await traced.sink.waitFor((s) =>
          s.sentry.events.find((candidate) => candidate.tags?.request_id === `${name}-${kind}-${major}`),
        );
        expect(event.exception?.values?.[0]?.value).toBe(message);
      }
      expect(
        traced.sink.sentry.events.filter((event) => event.tags?.request_id === `${name}-invalid-${major}`),
      ).toEqual([]);
    }

    // Three calls threw on each major; the problem is reported once for the process.
    const reports = traced.logs.lines.filter((line) => line.code === 'TW_CALLBACK_FAILED');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ level: 'warn' });
    expect(String(reports[0]?.msg)).toContain('TypeError: predicate exploded');
  });
});
