// Both ways of loading tracewire before the app: `--import` for ESM apps (with the
// loader hook) and `--require` for CommonJS apps.
import { childProcessSuite } from '@tracewire/testing/fixtures';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { coreIsBuilt, startChildApp } from '../helpers/child-app.ts';

describe.skipIf(!coreIsBuilt)('module systems', () => {
  const suite = childProcessSuite({ hooks: { beforeEach, afterEach }, startApp: startChildApp });

  const env = (name: string) => ({ ...suite.sink.env, TRACEWIRE_METRICS: 'none', OTEL_SERVICE_NAME: name });

  it('instruments a CommonJS app started with --require', async () => {
    const app = await suite.startApp('http-app.cjs', {
      env: env('fixture-cjs'),
      nodeArgs: ['--require', '@tracewire/core/register'],
    });
    await fetch(`${app.url}/fail/1`);
    app.kill('SIGTERM');
    await app.exited;
    const event = suite.sink.sentry.events[0];
    const traceId = event?.contexts?.trace?.trace_id;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const span = suite.sink.spans.find(
      (candidate) => candidate.kind === 'server' && candidate.receiver === 'otlp',
    );
    expect(span?.traceId).toBe(traceId);
    expect(span?.resource['service.name']).toBe('fixture-cjs');
    expect(app.lines().find((line) => line.msg === 'request failed')?.trace_id).toBe(traceId);
    // Sentry warns about `--require` initialisation when it recognises the preload path;
    // tracewire's register entry must not trigger that.
    expect(app.stderr()).not.toContain('no longer supported');
  });

  it('instruments an ESM app’s node:http and express imported after --import', async () => {
    const app = await suite.startApp('express-app.mjs', {
      env: env('fixture-esm-express'),
      nodeArgs: ['--import', '@tracewire/core/register'],
    });
    const response = await fetch(`${app.url}/items/42`);
    expect(await response.json()).toEqual({ id: '42' });
    app.kill('SIGTERM');
    await app.exited;
    const span = suite.sink.spans.find(
      (candidate) => candidate.kind === 'server' && candidate.receiver === 'otlp',
    );
    expect(span?.attributes['url.path']).toBe('/items/42');
    const line = app.lines().find((candidate) => candidate.msg === 'item');
    expect(line?.trace_id).toBe(span?.traceId);
    expect(line?.span_id).toMatch(/^[0-9a-f]{16}$/);
  });
});
