// A throwing `shouldCapture` changes nothing the app or its client sees: the same app
// answers the same way without tracewire, with tracewire's default, and with the throwing
// callback; the app's error handler gets the very errors the routes threw; the default
// decides what reaches Sentry; and the problem is logged once. Express 4 and 5.
import type { ErrorRequestHandler } from 'express';
import { fetchAnswer } from '@tracewire/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, type ObservabilityOptions, observability } from '../src/index.ts';
import { EXPRESS_MAJORS, type ExpressFactory } from './helpers/express-majors.ts';
import { startTelemetryHarness, type TelemetryHarness } from './helpers/telemetry-harness.ts';

let harness: TelemetryHarness;

beforeAll(async () => {
  harness = await startTelemetryHarness('express-should-capture-guard-test');
});

afterAll(async () => {
  await harness.close();
});

const throwingShouldCapture: ObservabilityOptions['shouldCapture'] = () => {
  throw new TypeError('predicate exploded');
};

/** The same app, with or without tracewire; `thrown` and `handled` record errors by request. */
function buildApp(express: ExpressFactory, tracewire: false | ObservabilityOptions) {
  const thrown: unknown[] = [];
  const handled: unknown[] = [];
  const app = express();
  if (tracewire) app.use(observability(tracewire));
  app.get('/fail/:id', (req) => {
    const error = new Error(`failed ${req.params.id}`);
    thrown.push(error);
    throw error;
  });
  app.get('/invalid/:id', (req) => {
    const error = Object.assign(new Error(`invalid ${req.params.id}`), { status: 400 });
    thrown.push(error);
    throw error;
  });
  app.get('/unhandled/:id', (req) => {
    const error = new Error(`unhandled ${req.params.id}`);
    thrown.push(error);
    throw error;
  });
  if (tracewire) app.use(errorHandler());
  const appHandler: ErrorRequestHandler = (err, req, res, next) => {
    handled.push(err);
    // Left to Express's own final handler.
    if (req.path.startsWith('/unhandled/')) {
      next(err);
      return;
    }
    res.status(err.status ?? 500).json({ error: err.message, status: err.status ?? 500 });
  };
  app.use(appHandler);
  return { app, thrown, handled };
}

describe.each(EXPRESS_MAJORS)('Express $major with a throwing shouldCapture', ({ major, express }) => {
  it("answers, hands the app's handlers their errors and reports to Sentry exactly as without the option", async () => {
    const variants = {
      plain: buildApp(express, false),
      byDefault: buildApp(express, {}),
      throwing: buildApp(express, { shouldCapture: throwingShouldCapture }),
    };
    const answers: Record<string, unknown[]> = {};
    for (const [name, variant] of Object.entries(variants)) {
      const baseUrl = await harness.serve(variant.app);
      answers[name] = [
        await fetchAnswer(`${baseUrl}/invalid/1`, `${name}-invalid-${major}`),
        await fetchAnswer(`${baseUrl}/fail/2`, `${name}-fail-${major}`),
        await fetchAnswer(`${baseUrl}/unhandled/3`, `${name}-unhandled-${major}`),
      ];
    }
    expect(answers.plain?.map((entry) => (entry as { status: number }).status)).toEqual([400, 500, 500]);
    expect(answers.byDefault).toEqual(answers.plain);
    expect(answers.throwing).toEqual(answers.plain);
    for (const variant of Object.values(variants)) {
      expect(variant.thrown).toHaveLength(3);
      // The app's handler got the very errors the routes threw, none of tracewire's.
      expect(variant.handled).toEqual(variant.thrown);
      for (const [index, error] of variant.handled.entries()) expect(error).toBe(variant.thrown[index]);
    }

    // The default decided: the 5xx reached Sentry, the 4xx did not, as without the option.
    await harness.handle.flush();
    const { sink } = harness;
    for (const name of ['byDefault', 'throwing']) {
      const failed = await sink.waitFor((s) =>
        s.sentry.events.find((event) => event.tags?.request_id === `${name}-fail-${major}`),
      );
      expect(failed.exception?.values?.[0]?.value).toBe('failed 2');
      await sink.waitFor((s) =>
        s.sentry.events.find((event) => event.tags?.request_id === `${name}-unhandled-${major}`),
      );
      expect(
        sink.sentry.events.filter((event) => event.tags?.request_id === `${name}-invalid-${major}`),
      ).toEqual([]);
    }

    // Three calls threw on each major; the problem is reported once for the process.
    const reports = harness.logs.lines.filter((line) => line.code === 'TW_CALLBACK_FAILED');
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ level: 'warn' });
    expect(String(reports[0]?.msg)).toContain('shouldCapture');
    expect(String(reports[0]?.msg)).toContain('TypeError: predicate exploded');
  });
});
