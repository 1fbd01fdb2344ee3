// The catalog API: the service a Sentry + Grafana integration guide instruments. It looks
// items up, asks the inventory service (the Fastify example) for their stock, and has the
// guide's test-error route. Start it with tracewire loaded first:
//
//   node --import @tracewire/core/register server.mjs
//
// Configuration comes from the environment only: the SENTRY_* and OTEL_* variables are
// read by tracewire; PORT, HOST, INVENTORY_URL and FASTAPI_URL by this file.
import * as Sentry from '@sentry/node';
import { getObservability } from '@tracewire/core';
import { errorHandler, observability } from '@tracewire/express';
import express from 'express';

const port = Number(process.env.PORT ?? 3001);
const host = process.env.HOST ?? '0.0.0.0';
const inventoryUrl = process.env.INVENTORY_URL ?? 'http://127.0.0.1:3002';
// The guide's Python service (examples/fastapi-app), instrumented with Sentry's Python SDK.
const fastapiUrl = process.env.FASTAPI_URL ?? 'http://127.0.0.1:8000';
const { logger } = getObservability();

const ITEMS = new Map([
  ['1', 'Espresso beans, 1 kg'],
  ['2', 'Burr grinder'],
  ['3', 'Milk jug'],
  ['5', 'Pour-over kettle'],
  ['8', 'Paper filters, 100'],
  ['13', 'Coffee scale'],
]);

/** An error that carries the status to answer with; tracewire reads `status` too. */
function httpError(status, message, cause) {
  return Object.assign(new Error(message, { cause }), { status });
}

const app = express();
app.use(observability()); // first: every request gets its span, logger and request ID

// Your own @sentry/node calls land in the client tracewire initialised, on this request's
// scope: every event sent while the request runs carries this context and its trace ID.
app.use((req, _res, next) => {
  const userId = req.get('x-user-id');
  if (userId) Sentry.setContext('user', { id: userId });
  next();
});

app.get('/health', (_req, res) => {
  // An ignored path (TRACEWIRE_IGNORED_PATHS): no span, no access log line, no metric.
  res.json({ status: 'ok' });
});

app.get('/api/items/:id', (req, res) => {
  const name = ITEMS.get(req.params.id);
  if (!name) {
    req.log.info({ item: req.params.id }, 'item not found');
    res.status(404).json({ error: 'item not found', requestId: req.requestId });
    return;
  }
  req.log.info({ item: req.params.id }, 'item found');
  res.json({ id: req.params.id, name });
});

// Crosses into the inventory service: the fetch is traced as a client span and carries
// `traceparent`, so the inventory's spans, logs and Sentry events share this trace ID.
app.get('/api/items/:id/stock', async (req, res) => {
  const { id } = req.params;
  const name = ITEMS.get(id);
  if (!name) {
    res.status(404).json({ error: 'item not found', requestId: req.requestId });
    return;
  }
  req.log.info({ item: id }, 'asking the inventory service for stock');
  const response = await fetch(`${inventoryUrl}/api/stock/${encodeURIComponent(id)}`).catch((error) => {
    throw httpError(502, `inventory service unreachable at ${inventoryUrl}`, error);
  });
  if (!response.ok) {
    throw httpError(502, `inventory service answered ${response.status} for item ${id}`);
  }
  const { available } = await response.json();
  if (available === 0) Sentry.captureMessage(`${name} is out of stock`, 'info');
  res.json({ id, name, available });
});

// Crosses into the FastAPI app. Sentry's Python SDK reads `sentry-trace` and `baggage`
// (not `traceparent`): with them its transaction and errors join this trace, under this
// request's client span, with this service's sampling context.
app.get('/api/items/:id/origin', async (req, res) => {
  const { id } = req.params;
  const name = ITEMS.get(id);
  if (!name) {
    res.status(404).json({ error: 'item not found', requestId: req.requestId });
    return;
  }
  const response = await fetch(`${fastapiUrl}/items/${encodeURIComponent(id)}`).catch((error) => {
    throw httpError(502, `fastapi-app unreachable at ${fastapiUrl}`, error);
  });
  // Read to the end either way: the client span ends with the response body.
  const body = await response.json().catch(() => undefined);
  if (response.status === 404) {
    res.status(404).json({ error: 'no origin known', requestId: req.requestId });
    return;
  }
  if (!response.ok || !body) throw httpError(502, `fastapi-app answered ${response.status} for item ${id}`);
  const { origin } = body;
  res.json({ id, name, origin });
});

// Calls the FastAPI app's test-error route: one trace, a Sentry error from each service.
app.get('/api/fastapi-error', async () => {
  const response = await fetch(`${fastapiUrl}/error`).catch((error) => {
    throw httpError(502, `fastapi-app unreachable at ${fastapiUrl}`, error);
  });
  await response.arrayBuffer(); // the client span ends with the response body
  throw httpError(502, `fastapi-app answered ${response.status} on /error`);
});

// The guide's test-error route: an unhandled error, reported to Sentry with the trace ID.
app.get('/error', () => {
  throw new Error('Test error from express-api');
});

app.use(errorHandler()); // after the routes: reports 5xx errors to Sentry, once

// Answers every error as JSON with the request ID, which support can look the trace up by.
app.use((error, req, res, _next) => {
  const status = error.status >= 400 && error.status < 600 ? error.status : 500;
  // At error level the line also reaches Sentry, as the same single event errorHandler()
  // sent, and gets its `sentry_event_id`; a 4xx is the client's mistake, so only a warning.
  if (status >= 500) req.log.error({ err: error }, 'request failed');
  else req.log.warn({ err: error }, 'request rejected');
  res
    .status(status)
    .json({ error: status >= 500 ? 'internal error' : error.message, requestId: req.requestId });
});

const server = app.listen(port, host, () => {
  logger.info({ port: server.address().port }, 'listening');
});
