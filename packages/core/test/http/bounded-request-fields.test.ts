// Issue 12, item 5: whatever a caller puts in a request Node accepts (a 16 KiB path,
// user agent, referer, Host or request ID), every line tracewire writes stays within the
// documented bound, the message never carries the raw path, and spans and Sentry events
// carry each field cut to its documented length, marked as cut.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestSink, type TestSink } from '@tracewire/testing';
import { boundViolations, rawLineDestination, sendLargestRequests } from '@tracewire/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_LOG_LINE_LIMIT,
  createRequestObserver,
  REQUEST_FIELD_LIMITS,
  truncateRequestField,
} from '../../src/adapter.ts';
import { initObservability, type ObservabilityHandle } from '../../src/index.ts';
import { nodeRequestInfo } from '../helpers/node-request-info.ts';

describe('truncateRequestField', () => {
  it('keeps a value that fits, and cuts a longer one to the limit with the count of what was cut', () => {
    expect(truncateRequestField('/users/42', 16)).toBe('/users/42');
    const cut = truncateRequestField('x'.repeat(5000), 2048);
    expect(cut).toHaveLength(2048);
    expect(cut).toMatch(/^x+…\[truncated 2975 chars\]$/);
    expect(cut.length - '…[truncated 2975 chars]'.length + 2975).toBe(5000);
  });

  it('never splits a surrogate pair', () => {
    const cut = truncateRequestField('😀'.repeat(300), 128);
    expect(cut.length).toBeLessThanOrEqual(128);
    expect(() => encodeURIComponent(cut)).not.toThrow();
  });
});

describe('fields written from the largest requests Node accepts', () => {
  let sink: TestSink;
  let handle: ObservabilityHandle;
  let server: http.Server;
  let port: number;
  const lines = rawLineDestination();

  beforeAll(async () => {
    sink = await startTestSink();
    handle = initObservability({
      env: { ...sink.env, TRACEWIRE_METRICS: 'none', OTEL_SERVICE_NAME: 'bounded-fields-test' },
      ignoredPaths: ['/v1/*', '/api/*'],
      logDestination: lines,
      handleSignals: false,
    });
    const observer = createRequestObserver({ handle });
    let failures = 0;
    server = http.createServer((request, response) => {
      const observed = observer.start(nodeRequestInfo(request, response));
      observed.run(() => {
        const url = request.url ?? '/';
        if (url.startsWith('/users/')) observed.setRoute('/users/:id');
        if (url.startsWith('/fail/')) {
          // A route template as long as the raw path it came from (Express builds mount
          // templates from raw prefixes).
          observed.setRoute(url.split('?')[0] ?? url);
          response.statusCode = 500;
          // A message of its own per request: Sentry drops an event equal to the one before.
          failures += 1;
          observed.fail(new Error(`store down ${failures}`), 500);
        } else if (!url.startsWith('/users/')) {
          response.statusCode = 404;
        }
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await handle.shutdown();
    await sink.close();
  });

  it('keeps every line, span attribute and event field within its bound', async () => {
    const sent = await sendLargestRequests(port);
    for (const [name, answer] of Object.entries(sent.answers)) {
      // An oversized or odd incoming ID is replaced, never echoed.
      expect(answer.headers.get('x-request-id')?.length ?? 0, name).toBeLessThanOrEqual(
        REQUEST_FIELD_LIMITS.requestId,
      );
    }
    expect(sent.answers['request ID']?.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    // The requests really were as large as Node allows: most of the 16 KiB head.
    for (const [name, size] of Object.entries(sent.sizes)) expect(size, name).toBeGreaterThan(3000);

    await handle.flush();
    await sink.waitFor((s) => s.sentry.events.find((event) => event.tags?.request_id === sent.lastFailureId));
    expect(
      boundViolations(lines.lines, sink, { lineBytes: ACCESS_LOG_LINE_LIMIT, fields: REQUEST_FIELD_LIMITS }),
    ).toEqual([]);

    const access = lines.lines
      .map((line) => JSON.parse(line) as { msg: string; http?: { path: string; status_code: number } })
      .filter((line) => line.http?.status_code === 404);
    expect(access.length).toBeGreaterThan(0);
    const longest = access.at(-1);
    expect(longest?.msg).toBe('GET 404');
    expect(longest?.http?.path).toMatch(/^\/nowhere\/(a+|"+)…\[truncated \d+ chars\]$/);
  });
});

describe('the documented bounds', () => {
  it('are the ones the code applies', async () => {
    const { readFile } = await import('node:fs/promises');
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme
      .split('<!-- request-field-limits:start -->')[1]
      ?.split('<!-- request-field-limits:end -->')[0];
    const documented = Object.fromEntries(
      [...(table ?? '').matchAll(/^\| `(\w+)` \|.*\| (\d+) \|$/gm)].map((match) => [
        match[1],
        Number(match[2]),
      ]),
    );
    expect(documented).toEqual({ ...REQUEST_FIELD_LIMITS });
    expect(readme).toContain(`**${ACCESS_LOG_LINE_LIMIT} bytes**`);
  });
});
