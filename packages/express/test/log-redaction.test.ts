// Secrets in what an app logs about a request: the query string, the headers and the
// JSON body, as `req.log.info({ query: req.query, headers: req.headers, body: req.body })`
// writes them. Express 5 parses the query into a null-prototype object, Express 4 (qs)
// into plain objects: redaction goes by key either way.
import { SECRET_HEADER_NAMES, SECRET_KEYS } from '@tracewire/core';
import { sendSecretRequest } from '@tracewire/testing/fixtures';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler, observability } from '../src/index.ts';
import { EXPRESS_MAJORS } from './helpers/express-majors.ts';
import { startTelemetryHarness, type TelemetryHarness } from './helpers/telemetry-harness.ts';

let harness: TelemetryHarness;

beforeAll(async () => {
  harness = await startTelemetryHarness('express-redaction-test');
});

afterAll(async () => {
  await harness.close();
});

describe.each(EXPRESS_MAJORS)('Express $major', ({ major, express }) => {
  let baseUrl: string;

  beforeAll(async () => {
    const app = express();
    app.use(observability());
    app.use(express.json());
    app.post('/orders', (req, res) => {
      req.log.info({ query: req.query, headers: req.headers, body: req.body }, 'order data');
      res.json({ ok: true });
    });
    app.use(errorHandler());
    baseUrl = await harness.serve(app);
  });

  it('masks every secret key in the query, every secret header and every secret body key', async () => {
    const sent = await sendSecretRequest(`${baseUrl}/orders`, {
      secretKeys: SECRET_KEYS,
      secretHeaderNames: SECRET_HEADER_NAMES,
      tag: `e${major}`,
    });
    expect(sent.response.status).toBe(200);

    const line = harness.logs.lines.find(
      (candidate) => candidate.request_id === sent.requestId && candidate.msg === 'order data',
    );
    const logged = line as {
      query: Record<string, unknown>;
      headers: Record<string, unknown>;
      body: Record<string, unknown>;
    };
    // The ordinary values are there: redaction kept the line's shape.
    expect(logged.query.page).toBe('2');
    expect(logged.body.item).toBe('tea');
    expect(logged.headers['content-type']).toBe('application/json');
    for (const key of SECRET_KEYS) {
      expect(logged.query[key], `query ${key}`).toBe('***');
      expect(logged.body[key], `body ${key}`).toBe('***');
    }
    for (const name of SECRET_HEADER_NAMES) expect(logged.headers[name], `header ${name}`).toBe('***');
    const everything = JSON.stringify(harness.logs.lines);
    for (const canary of sent.canaries) expect(everything).not.toContain(canary);
  });
});
