// The inventory service, on Fastify: answers the catalog API's stock questions and asks
// the warehouse (the Koa example) in turn, so one trace can be followed across Express,
// Fastify and Koa. Start it with tracewire loaded first:
//
//   node --import @tracewire/core/register server.mjs
//
// Configuration comes from the environment only: the SENTRY_* and OTEL_* variables are
// read by tracewire; PORT, HOST and UPSTREAM_URL by this file.
import { getObservability } from '@tracewire/core';
import { observability } from '@tracewire/fastify';
import Fastify from 'fastify';

const port = Number(process.env.PORT ?? 3002);
const host = process.env.HOST ?? '0.0.0.0';
// The next service down (the Koa warehouse), for /api/items/:id/stock.
const upstreamUrl = process.env.UPSTREAM_URL ?? 'http://127.0.0.1:3003';
const { logger } = getObservability();

const ITEMS = new Map([
  ['1', 'Espresso beans, 1 kg'],
  ['2', 'Burr grinder'],
  ['3', 'Milk jug'],
  ['5', 'Pour-over kettle'],
  ['8', 'Paper filters, 100'],
  ['13', 'Coffee scale'],
]);
const STOCK = new Map([
  ['1', 42],
  ['2', 3],
  ['3', 17],
  ['5', 0],
  ['8', 250],
]);

/** An error that carries the status to answer with; Fastify and tracewire read `statusCode`. */
function httpError(statusCode, message, cause) {
  return Object.assign(new Error(message, { cause }), { statusCode });
}

// No Fastify logger of its own: `request.log` becomes tracewire's request logger, and the
// access log line comes from tracewire, once per request.
const app = Fastify();
await app.register(observability); // first: every request gets its span, logger and request ID

// Answers every error as JSON with the request ID, which support can look the trace up by.
// tracewire has already reported a 5xx to Sentry by the time this runs.
app.setErrorHandler((error, request, reply) => {
  const status = error.statusCode >= 400 && error.statusCode < 600 ? error.statusCode : 500;
  // At error level the line also reaches Sentry, as the same single event, and gets its
  // `sentry_event_id`; a 4xx is the client's mistake, so only a warning.
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.warn({ err: error }, 'request rejected');
  reply.status(status).send({
    error: status >= 500 ? 'internal error' : error.message,
    requestId: reply.getHeader('x-request-id'),
  });
});

app.get('/health', async () => {
  // An ignored path (TRACEWIRE_IGNORED_PATHS): no span, no access log line, no metric.
  return { status: 'ok' };
});

app.get('/api/items/:id', async (request, reply) => {
  const name = ITEMS.get(request.params.id);
  if (!name) {
    request.log.info({ item: request.params.id }, 'item not found');
    return reply.status(404).send({ error: 'item not found', requestId: reply.getHeader('x-request-id') });
  }
  request.log.info({ item: request.params.id }, 'item found');
  return { id: request.params.id, name };
});

app.get('/api/stock/:id', async (request) => {
  const { id } = request.params;
  // Item 13 always fails, so a failure can be followed from the calling service to here.
  if (id === '13') throw new Error(`stock ledger for item ${id} is unreadable`);
  const available = STOCK.get(id);
  if (available === undefined) throw httpError(404, `no stock record for item ${id}`);
  request.log.info({ item: id, available }, 'stock looked up');
  return { id, available };
});

// Crosses into the next service: the fetch is traced as a client span and carries
// `traceparent`, so the warehouse's spans, logs and Sentry events share this trace ID.
app.get('/api/items/:id/stock', async (request) => {
  const { id } = request.params;
  const name = ITEMS.get(id);
  if (!name) throw httpError(404, 'item not found');
  request.log.info({ item: id }, 'asking the warehouse for stock');
  const response = await fetch(`${upstreamUrl}/api/stock/${encodeURIComponent(id)}`).catch((error) => {
    throw httpError(502, `warehouse unreachable at ${upstreamUrl}`, error);
  });
  if (!response.ok) throw httpError(502, `warehouse answered ${response.status} for item ${id}`);
  const { available } = await response.json();
  return { id, name, available };
});

// The guide's test-error route: an unhandled error, reported to Sentry with the trace ID.
app.get('/error', async () => {
  throw new Error('Test error from fastify-app');
});

await app.listen({ port, host });
logger.info({ port: app.server.address().port }, 'listening');
