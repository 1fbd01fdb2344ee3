// redactionProblems is what the adapters' redaction tests assert with, so it must find each
// way a logged request falls short: here the "app" logs what it received, masking a chosen
// set of names, over a real socket.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redactionProblems, sendSecretRequest } from '../src/fixtures/index.ts';

const secretKeys = ['password', 'token'];
const secretHeaderNames = ['authorization', 'cookie'];

describe('redactionProblems', () => {
  let server: http.Server;
  let url: string;
  const lines: Record<string, unknown>[] = [];
  let unmasked = new Set<string>();

  beforeAll(async () => {
    server = http.createServer(async (request, response) => {
      let text = '';
      for await (const chunk of request) text += String(chunk);
      const mask = (values: Record<string, unknown>, names: string[]) =>
        Object.fromEntries(
          Object.entries(values).map(([key, value]) => [
            key,
            names.includes(key) && !unmasked.has(key) ? '***' : value,
          ]),
        );
      const parsed = new URL(request.url ?? '/', 'http://127.0.0.1');
      lines.push({
        msg: 'order data',
        request_id: request.headers['x-request-id'],
        query: mask(Object.fromEntries(parsed.searchParams), secretKeys),
        headers: mask({ ...request.headers }, secretHeaderNames),
        body: mask(JSON.parse(text) as Record<string, unknown>, secretKeys),
      });
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/orders`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('finds nothing when every secret is masked and the ordinary values are kept', async () => {
    unmasked = new Set();
    const sent = await sendSecretRequest(url, { secretKeys, secretHeaderNames, tag: 'all-masked' });
    expect(sent.response.status).toBe(200);
    expect(redactionProblems(lines, sent, 'order data')).toEqual([]);
  });

  it('names an unmasked key and header and the canaries that leaked', async () => {
    unmasked = new Set(['token', 'cookie']);
    const sent = await sendSecretRequest(url, { secretKeys, secretHeaderNames, tag: 'leaky' });
    expect(redactionProblems(lines, sent, 'order data')).toEqual([
      'query token is not masked',
      'body token is not masked',
      'header cookie is not masked',
      `${sent.query.token} is in the log lines`,
      `${sent.headers.cookie} is in the log lines`,
      `${sent.body.token} is in the log lines`,
    ]);
  });

  it('says when the line is missing', async () => {
    unmasked = new Set();
    const sent = await sendSecretRequest(url, { secretKeys, secretHeaderNames, tag: 'missing' });
    expect(redactionProblems(lines, sent, 'another message')).toEqual([
      'no line "another message" with request_id missing-redaction',
    ]);
  });
});
