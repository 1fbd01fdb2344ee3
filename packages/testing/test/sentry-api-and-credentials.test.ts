// The sink's Sentry web API stub and its credential check, over real HTTP: what
// `tracewire doctor` and a Grafana datasource read, and what a wrong DSN gets from ingest.
import { createEnvelope, serializeEnvelope } from '@sentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestSink, type TestSink } from '../src/index.ts';

let sink: TestSink | undefined;
afterEach(async () => {
  await sink?.close();
  sink = undefined;
});

function eventEnvelope(eventId: string): string | Uint8Array {
  return serializeEnvelope(
    createEnvelope({ event_id: eventId, sent_at: new Date().toISOString() }, [
      [{ type: 'event' }, { event_id: eventId, message: 'credential check', level: 'error' }],
    ] as never),
  );
}

async function postEnvelope(target: TestSink, projectId: string, key: string | undefined) {
  const query = key === undefined ? '' : `?sentry_key=${key}&sentry_version=7`;
  const response = await fetch(`${target.url}/api/${projectId}/envelope/${query}`, {
    method: 'POST',
    body: eventEnvelope('a'.repeat(32)),
  });
  return { status: response.status, body: (await response.json()) as { detail?: string; id?: string } };
}

describe('sentryApi: the web API stub', () => {
  it('answers GET /api/0/ with the scopes of the configured token', async () => {
    sink = await startTestSink({
      sentryApi: { token: 'sntryu_stubtoken', scopes: ['org:read', 'event:read'] },
    });
    const response = await fetch(`${sink.url}/api/0/`, {
      headers: { authorization: 'Bearer sntryu_stubtoken' },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      version: '0',
      auth: { scopes: ['org:read', 'event:read'] },
      user: null,
    });
    expect(sink.requests.map((request) => [request.receiver, request.outcome])).toEqual([
      ['sentry-api', 'recorded'],
    ]);
  });

  it('answers 401 for another token and auth null without one', async () => {
    sink = await startTestSink({ sentryApi: { token: 'sntryu_stubtoken', scopes: [] } });
    const wrong = await fetch(`${sink.url}/api/0/`, { headers: { authorization: 'Bearer sntryu_other' } });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ detail: 'Invalid token' });
    const anonymous = await fetch(`${sink.url}/api/0/`);
    expect(await anonymous.json()).toEqual({ version: '0', auth: null, user: null });
    const elsewhere = await fetch(`${sink.url}/api/0/organizations/`, {
      headers: { authorization: 'Bearer sntryu_stubtoken' },
    });
    expect(elsewhere.status).toBe(404);
  });

  it('is not served without the option', async () => {
    sink = await startTestSink();
    const response = await fetch(`${sink.url}/api/0/`);
    expect(response.status).toBe(404);
    expect(sink.requests[0]?.receiver).toBe('unknown');
  });
});

describe('checkCredentials: ingest that rejects a wrong DSN', () => {
  it('answers 401 without a key or with another key, 403 for another project, and records nothing', async () => {
    sink = await startTestSink({ publicKey: 'rightkey', projectId: '42', checkCredentials: true });
    expect(await postEnvelope(sink, '42', undefined)).toEqual({
      status: 401,
      body: { detail: 'missing authorization information' },
    });
    expect(await postEnvelope(sink, '42', 'wrongkey')).toEqual({
      status: 401,
      body: { detail: 'invalid api key' },
    });
    expect(await postEnvelope(sink, '7', 'rightkey')).toEqual({
      status: 403,
      body: { detail: 'event submission rejected with_reason: ProjectId' },
    });
    expect(sink.sentry.events).toEqual([]);
    expect(sink.requests.map((request) => request.outcome)).toEqual(['rejected', 'rejected', 'rejected']);
    const accepted = await postEnvelope(sink, '42', 'rightkey');
    expect(accepted.status).toBe(200);
    expect(sink.sentry.events).toHaveLength(1);
  });

  it('accepts any key and project by default', async () => {
    sink = await startTestSink({ publicKey: 'rightkey', projectId: '42' });
    expect((await postEnvelope(sink, '7', 'wrongkey')).status).toBe(200);
    expect(sink.sentry.events).toHaveLength(1);
  });
});
