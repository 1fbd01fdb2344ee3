// The warehouse service, on Koa with @koa/router: the same routes as the other examples,
// so one trace can be followed across Express, Fastify and Koa. Start it with tracewire
// loaded first:
//
//   node --import @tracewire/core/register server.mjs
//
// Configuration comes from the environment only: the SENTRY_* and OTEL_* variables are
// read by tracewire; PORT, HOST and UPSTREAM_URL by this file.
import Router from '@koa/router';
import { getObservability } from '@tracewire/core';
import { observability } from '@tracewire/koa';
import Koa from 'koa';

const port = Number(process.env.PORT ?? 3003);
const host = process.env.HOST ?? '0.0.0.0';
// The next service down, for /api/items/:id/stock. Unset: this is the end of the chain.
const upstreamUrl = process.env.UPSTREAM_URL;
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
  ['1', 120],
  ['2', 4],
  ['3', 35],
  ['5', 0],
  ['8', 900],
]);

const app = new Koa();
app.use(observability()); // first: every request gets its span, ctx.log and request ID

// Koa's documented error middleware: answers errors as JSON with the request ID and emits
// them on the app, where tracewire picks them up and reports 5xx to Sentry, once.
app.use(async (ctx, next) => {
  try {
    await next();
  } catch (error) {
    ctx.status = error.status >= 400 && error.status < 600 ? error.status : 500;
    ctx.body = { error: error.expose ? error.message : 'internal error', requestId: ctx.requestId };
    ctx.app.emit('error', error, ctx);
  }
});
app.on('error', (error, ctx) => {
  // At error level the line also reaches Sentry, as the same single event, and gets its
  // `sentry_event_id`; a 4xx is the client's mistake, so only a warning.
  if (ctx.status >= 500) ctx.log.error({ err: error }, 'request failed');
  else ctx.log.warn({ err: error }, 'request rejected');
});

const router = new Router();

router.get('/health', (ctx) => {
  // An ignored path (TRACEWIRE_IGNORED_PATHS): no span, no access log line, no metric.
  ctx.body = { status: 'ok' };
});

router.get('/api/items/:id', (ctx) => {
  const name = ITEMS.get(ctx.params.id);
  if (!name) {
    ctx.log.info({ item: ctx.params.id }, 'item not found');
    ctx.status = 404;
    ctx.body = { error: 'item not found', requestId: ctx.requestId };
    return;
  }
  ctx.log.info({ item: ctx.params.id }, 'item found');
  ctx.body = { id: ctx.params.id, name };
});

router.get('/api/stock/:id', (ctx) => {
  const { id } = ctx.params;
  // Item 13 always fails, so a failure can be followed from the calling service to here.
  if (id === '13') throw new Error(`stock ledger for item ${id} is unreadable`);
  const available = STOCK.get(id);
  if (available === undefined) ctx.throw(404, `no stock record for item ${id}`);
  ctx.log.info({ item: id, available }, 'stock looked up');
  ctx.body = { id, available };
});

// Crosses into the next service: the fetch is traced as a client span and carries
// `traceparent`, so the other service's spans, logs and Sentry events share this trace ID.
router.get('/api/items/:id/stock', async (ctx) => {
  const { id } = ctx.params;
  const name = ITEMS.get(id);
  if (!name) ctx.throw(404, 'item not found');
  if (!upstreamUrl) ctx.throw(503, 'UPSTREAM_URL is not set: this service has no next service to ask');
  ctx.log.info({ item: id }, 'asking the next service for stock');
  const response = await fetch(`${upstreamUrl}/api/stock/${encodeURIComponent(id)}`).catch((error) => {
    ctx.throw(502, `upstream service unreachable at ${upstreamUrl}`, { cause: error });
  });
  if (!response.ok) ctx.throw(502, `upstream service answered ${response.status} for item ${id}`);
  const { available } = await response.json();
  ctx.body = { id, name, available };
});

// The guide's test-error route: an unhandled error, reported to Sentry with the trace ID.
router.get('/error', () => {
  throw new Error('Test error from koa-app');
});

app.use(router.routes()).use(router.allowedMethods());

const server = app.listen(port, host, () => {
  logger.info({ port: server.address().port }, 'listening');
});
