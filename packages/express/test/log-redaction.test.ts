// Secrets in what an app logs about a request: the query string, the headers and the
// JSON body, as `req.log.info({ query: req.query, headers: req.headers, body: req.body })`
// writes them. Express 5 parses the query into a null-prototype object, Express 4 (qs)
// into plain objects: redaction goes by key either way.
import { SECRET_HEADER_NAMES, SECRET_KEYS } from '@tracewire/core';
import { redactionProblems, sendSecretRequest } from '@tracewire/testing/fixtures';
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

    expect(redactionProblems(harness.logs.lines, sent, 'order data')).toEqual([]);
  });
});
