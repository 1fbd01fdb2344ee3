// `pnpm demo`: the three example services on the built-in local sink, no cloud account,
// no Docker, no network beyond 127.0.0.1. It builds the packages when needed, starts the
// sink (@tracewire/testing) as collector and Sentry ingest, starts koa-app, fastify-app
// and express-api wired into a chain, sends them a few requests, stops them (SIGTERM
// makes tracewire flush), and reports, per request, where its trace ID arrived: spans,
// Sentry events and log lines. It exits 0 only when they all line up.
//
// When a python3 can import fastapi, uvicorn and sentry_sdk, the guide's FastAPI app
// (examples/fastapi-app, Sentry's Python SDK, its own Sentry project on the sink) joins
// behind express-api, and the report checks that its Sentry transaction is a child of the
// Node client span and carries the Node service's sampling context. Without them the
// demo says how to get them, in one line, and runs the rest.
//
//   pnpm demo          run, report, exit
//   pnpm demo --keep   run, report, then keep everything running until Ctrl-C
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { styleText } from 'node:util';
import { findPython, PYTHON_INSTALL_HINT } from '../examples/test-helpers/find-python.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PACKAGES = ['core', 'testing', 'express', 'fastify', 'koa'];
const LISTEN_TIMEOUT_MS = 20_000;
const REQUEST_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 15_000;
// In --keep mode the services keep running, so spans arrive with the batch span
// processor's scheduled export (every 5 s) instead of the shutdown flush.
const KEEP_WAIT_MS = 12_000;

const USAGE = 'usage: pnpm demo [--keep]\n  --keep  leave the sink and the services running until Ctrl-C';

const bold = (text) => styleText('bold', text);
const dim = (text) => styleText('dim', text);
const good = (text) => styleText('green', text);
const bad = (text) => styleText('red', text);

class DemoError extends Error {
  name = 'DemoError';
}

/** The example services, downstream first: each one's URL is the previous one's upstream. */
const SERVICES = [
  { name: 'koa-app', dir: 'examples/koa-app', framework: 'Koa' },
  {
    name: 'fastify-app',
    dir: 'examples/fastify-app',
    framework: 'Fastify',
    upstreamVariable: 'UPSTREAM_URL',
  },
  {
    name: 'express-api',
    dir: 'examples/express-api',
    framework: 'Express',
    upstreamVariable: 'INVENTORY_URL',
  },
];

/** The guide's Python service; express-api reaches it at FASTAPI_URL. */
const PYTHON_SERVICE = {
  name: 'fastapi-app',
  dir: 'examples/fastapi-app',
  framework: 'FastAPI, Sentry Python SDK',
};
// Its own Sentry project on the sink, as in the guide: one project per service. Its key
// must never show up in the trace's sampling context, which belongs to express-api.
const PYTHON_PUBLIC_KEY = 'demofastapipublickey';
const PYTHON_PROJECT = '2';
const DEMO_SAMPLE_RATE = '1.0';

/**
 * The driven requests. `services` lists the services the trace must reach; `sentry` says
 * whether a Sentry event must carry the trace ID.
 */
const REQUESTS = [
  { label: 'success', service: 'express-api', path: '/api/items/1', status: 200, services: ['express-api'] },
  {
    label: 'not found',
    service: 'express-api',
    path: '/api/items/999',
    status: 404,
    services: ['express-api'],
  },
  {
    label: 'test error (/error)',
    service: 'express-api',
    path: '/error',
    status: 500,
    services: ['express-api'],
    sentry: true,
    errorRoute: true,
  },
  {
    label: 'cross-service, out of stock',
    service: 'express-api',
    path: '/api/items/5/stock',
    status: 200,
    services: ['express-api', 'fastify-app'],
    sentry: true,
  },
  {
    label: 'cross-service failure',
    service: 'express-api',
    path: '/api/items/13/stock',
    status: 502,
    services: ['express-api', 'fastify-app'],
    sentry: true,
    crossServiceFailure: true,
  },
  {
    label: 'cross-service success',
    service: 'fastify-app',
    path: '/api/items/2/stock',
    status: 200,
    services: ['fastify-app', 'koa-app'],
  },
];

/** Driven when fastapi-app runs. `pythonHop` is the FastAPI transaction the request makes. */
// The error comes last: after an unhandled exception uvicorn closes the connection
// without saying so, and a request reusing it would fail with ECONNRESET.
const PYTHON_REQUESTS = [
  {
    label: 'Python hop, success',
    service: 'express-api',
    path: '/api/items/1/origin',
    status: 200,
    services: ['express-api'],
    pythonHop: '/items/{item_id}',
  },
  {
    label: 'Python hop, test error (fastapi-app /error)',
    service: 'express-api',
    path: '/api/fastapi-error',
    status: 502,
    services: ['express-api'],
    sentry: true,
    pythonHop: '/error',
    pythonError: 'Test error from fastapi-app',
  },
];

// ---------------------------------------------------------------------------------------
// Build

function newestMtime(entry) {
  const stat = fs.statSync(entry, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = 0;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

function oldestMtime(directory) {
  let oldest = Number.POSITIVE_INFINITY;
  for (const child of fs.readdirSync(directory, { withFileTypes: true })) {
    if (child.isFile()) oldest = Math.min(oldest, fs.statSync(path.join(directory, child.name)).mtimeMs);
  }
  return oldest;
}

/** Why a package needs building, or undefined when its dist/ is newer than its sources. */
function staleReason(name) {
  const packageDir = path.join(ROOT, 'packages', name);
  const dist = path.join(packageDir, 'dist');
  if (!fs.existsSync(path.join(dist, 'index.mjs'))) return 'dist/ missing';
  const inputs = ['src', 'package.json', 'tsdown.config.ts'].map((input) => path.join(packageDir, input));
  inputs.push(path.join(ROOT, 'tsdown.base.ts'));
  const newestInput = Math.max(...inputs.map(newestMtime));
  return newestInput > oldestMtime(dist) ? 'dist/ older than src/' : undefined;
}

function buildPackagesIfNeeded() {
  const stale = PACKAGES.map((name) => [name, staleReason(name)]).filter(([, reason]) => reason);
  if (stale.length === 0) return;
  console.log(
    dim(`Building ${stale.map(([name, reason]) => `@tracewire/${name} (${reason})`).join(', ')} …`),
  );
  const filters = stale.flatMap(([name]) => ['--filter', `./packages/${name}`]);
  // The build's output is shown only when it fails.
  const result = spawnSync('pnpm', [...filters, 'run', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    process.stdout.write(result.stdout ?? '');
    process.stderr.write(result.stderr ?? '');
    const cause = result.error ? result.error.message : `exit code ${result.status}`;
    throw new DemoError(`building the packages failed (${cause}); run \`pnpm build\` to see why`);
  }
}

// ---------------------------------------------------------------------------------------
// Services

const children = new Set();

/** Environment of a service: only what the demo sets, so no SENTRY_*, OTEL_* or TRACEWIRE_* leaks in. */
function serviceEnv(sink, service, upstreamUrl, extra = {}) {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    ...sink.env,
    OTEL_SERVICE_NAME: service.name,
    SENTRY_ENVIRONMENT: 'demo',
    SENTRY_TRACE_SAMPLE_RATE: DEMO_SAMPLE_RATE,
    SENTRY_RELEASE: `${service.name}@demo`,
    // Metrics go to the sink too: no Prometheus port to open.
    TRACEWIRE_METRICS: 'otlp',
    PORT: '0',
    HOST: '127.0.0.1',
  };
  if (service.upstreamVariable) env[service.upstreamVariable] = upstreamUrl;
  Object.assign(env, extra);
  return withSystemVariables(env);
}

function withSystemVariables(env) {
  for (const name of ['SYSTEMROOT', 'TEMP', 'TMP', 'TMPDIR']) {
    if (process.env[name]) env[name] = process.env[name];
  }
  return env;
}

/** The Python service's environment: the guide's three variables, its own DSN, a free port. */
function pythonEnv(sink) {
  return withSystemVariables({
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '',
    SENTRY_DSN: `${sink.url.replace('://', `://${PYTHON_PUBLIC_KEY}@`)}/${PYTHON_PROJECT}`,
    SENTRY_ENVIRONMENT: 'demo',
    SENTRY_TRACE_SAMPLE_RATE: DEMO_SAMPLE_RATE,
    PORT: '0',
    PYTHONUNBUFFERED: '1',
  });
}

/** Starts one example with tracewire's register entry and waits for its "listening" line. */
function startService(sink, service, upstreamUrl, extraEnv) {
  return startProcess(service, process.execPath, ['--import', '@tracewire/core/register', 'server.mjs'], {
    env: serviceEnv(sink, service, upstreamUrl, extraEnv),
  });
}

/** Starts a service's process in its folder and waits for its "listening" line. */
function startProcess(service, command, args, { env }) {
  const child = spawn(command, args, {
    cwd: path.join(ROOT, service.dir),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: Ctrl-C in the terminal reaches the demo alone, which then
    // stops each service with exactly one SIGTERM. A second signal while a service is
    // flushing could cut its flush short.
    detached: true,
  });
  children.add(child);
  const running = { ...service, child, lines: [], output: '', url: undefined };
  running.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  let partial = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new DemoError(`${service.name} did not log "listening" within ${LISTEN_TIMEOUT_MS} ms`));
    }, LISTEN_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new DemoError(`${service.name} could not be started: ${error.message}`));
    });
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      running.output += chunk;
      partial += chunk;
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      for (const text of complete) {
        let line;
        try {
          line = JSON.parse(text);
        } catch {
          continue; // not a log line; kept in the output shown on failure
        }
        running.lines.push(line);
        if (line.msg === 'listening' && typeof line.port === 'number' && !running.url) {
          running.url = `http://127.0.0.1:${line.port}`;
          clearTimeout(timer);
          resolve(running);
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      running.output += chunk;
    });
    void running.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(
        new DemoError(
          `${service.name} exited (${signal ?? `code ${code}`}) before listening. Its output:\n${running.output}`,
        ),
      );
    });
  });
}

/** SIGTERM (tracewire flushes, then the process ends), SIGKILL if it takes too long. */
async function stopService(running) {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return running.exited;
  running.child.kill('SIGTERM');
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(undefined), STOP_TIMEOUT_MS);
  });
  const exit = await Promise.race([running.exited, timeout]);
  clearTimeout(timer);
  if (exit) return exit;
  running.child.kill('SIGKILL');
  await running.exited;
  throw new DemoError(`${running.name} did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM`);
}

// No orphans: whatever ends the demo, no service outlives it.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

// ---------------------------------------------------------------------------------------
// A Redis server for express-api's views counter, when redis-server is installed

/** The request that shows a database span; driven only when Redis could be started. */
const REDIS_REQUEST = {
  label: 'Redis query (views counter)',
  service: 'express-api',
  path: '/api/items/1/views',
  status: 200,
  services: ['express-api'],
  databaseSpan: 'incr item:1:views',
};

/**
 * Starts redis-server with @tracewire/testing's database fixtures (a free 127.0.0.1
 * port, no persistence, a temporary directory, a password the Redis span must not show).
 * Resolves undefined (and says why) when it is not installed or does not start: the demo
 * then runs without the Redis request instead of failing.
 */
async function startDemoRedis({ installedServers, startRedis }) {
  if (installedServers.redis) {
    try {
      return await startRedis();
    } catch {
      // Said below, as when it is not installed.
    }
  }
  console.log(dim('  redis-server is not installed or did not start: the Redis request is left out'));
  return undefined;
}

/** For the Redis request: its INCR must be a client span under the request's server span. */
function databaseSpanProblems(result, found) {
  if (!result.databaseSpan || !result.traceId) return [];
  const span = found.spans.find((candidate) => candidate.attributes['db.query.text'] === result.databaseSpan);
  if (!span) return [`no "${result.databaseSpan}" span arrived for ${result.service} ${result.path}`];
  const parent = found.spans.find((candidate) => candidate.spanId === span.parentSpanId);
  return parent?.kind === 'server'
    ? []
    : [`the "${result.databaseSpan}" span is not under the request's server span`];
}

// ---------------------------------------------------------------------------------------
// Traffic and report

/** The trace ID from a `traceresponse` header (`00-<trace id>-<span id>-<flags>`). */
function traceIdOf(response) {
  const match = /^00-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$/.exec(
    response.headers.get('traceresponse') ?? '',
  );
  return match?.[1];
}

async function drive(services, requests) {
  const results = [];
  for (const request of requests) {
    const url = `${services.get(request.service).url}${request.path}`;
    // The express-api example puts this on its requests' Sentry scope (Sentry.setContext).
    const response = await fetch(url, {
      headers: { 'x-user-id': 'demo-user' },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    }).catch((error) => {
      throw new DemoError(`GET ${url} failed: ${error.cause?.message ?? error.message}`);
    });
    await response.arrayBuffer();
    results.push({ ...request, url, actualStatus: response.status, traceId: traceIdOf(response) });
  }
  return results;
}

function eventTitle(event) {
  // Messages come first: with attachStacktrace a captureMessage event also has an exception.
  if (typeof event.message === 'string') return event.message;
  if (event.message?.formatted) return event.message.formatted;
  if (event.logentry) return event.logentry.formatted ?? event.logentry.message;
  const exception = event.exception?.values?.at(-1);
  if (exception) return `${exception.type ?? 'Error'}: ${exception.value ?? ''}`;
  return '(no title)';
}

/**
 * Parents before their children, siblings by start time. Start times alone cannot order
 * them: they arrive with millisecond precision, so a parent and its children often tie.
 */
function inTreeOrder(spans) {
  const byStart = (a, b) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano));
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map();
  for (const span of spans) {
    const parent = ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const ordered = [];
  const visit = (parent) => {
    for (const span of (children.get(parent) ?? []).sort(byStart)) {
      ordered.push(span);
      visit(span.spanId);
    }
  };
  visit(undefined);
  return ordered;
}

/** Everything that arrived for one trace: spans and events by service, log lines by service. */
function collect(traceId, sink, services) {
  // Spans also reach Sentry's OTLP endpoint; the OTLP copies are the ones Tempo would get.
  const spans = inTreeOrder(
    sink.spans.filter((span) => span.traceId === traceId && span.receiver === 'otlp'),
  );
  const spanService = new Map(spans.map((span) => [span.spanId, String(span.resource['service.name'])]));
  // The Python service reports to a Sentry project of its own.
  const pythonEnvelopes = sink.sentry.envelopes.filter((envelope) => envelope.projectId === PYTHON_PROJECT);
  const pythonEventIds = new Set(
    pythonEnvelopes.flatMap((envelope) => envelope.items.map((item) => item.payload?.event_id)),
  );
  const events = sink.sentry.events
    .filter((event) => event.contexts?.trace?.trace_id === traceId)
    .map((event) => ({
      event,
      // The span the event was sent in names its service; the release is the fallback.
      service: pythonEventIds.has(event.event_id)
        ? PYTHON_SERVICE.name
        : (spanService.get(event.contexts?.trace?.span_id) ?? event.release?.split('@')[0] ?? '?'),
    }));
  const pythonTransactions = pythonEnvelopes.flatMap((envelope) =>
    envelope.items
      .filter((item) => item.type === 'transaction' && item.payload?.contexts?.trace?.trace_id === traceId)
      .map((item) => ({ transaction: item.payload, samplingContext: envelope.headers.trace })),
  );
  // The sampling context of express-api's own events on this trace, as their envelopes say.
  const nodeSamplingContext = sink.sentry.envelopes.find(
    (envelope) =>
      envelope.projectId !== PYTHON_PROJECT &&
      envelope.headers.trace?.trace_id === traceId &&
      envelope.items.some((item) => item.type === 'event'),
  )?.headers.trace;
  // Services in the order the request reached them.
  const order = [
    ...new Set([...spans.map((span) => String(span.resource['service.name'])), ...services.keys()]),
  ];
  const logs = new Map();
  for (const name of order) {
    const count = services.get(name)?.lines.filter((line) => line.trace_id === traceId).length ?? 0;
    if (count > 0) logs.set(name, count);
  }
  return {
    spans,
    events,
    logs,
    pythonTransactions,
    nodeSamplingContext,
    otlpLogs: otlpLogRecordsOf(traceId, sink),
  };
}

/**
 * The log records of one trace that arrived over OTLP (tracewire's log export), by
 * service: the same lines as stdout, as a collector and Loki would receive them.
 */
function otlpLogRecordsOf(traceId, sink) {
  const byService = new Map();
  for (const record of sink.logs) {
    if (record.traceId !== traceId) continue;
    const service = String(record.resource['service.name']);
    const records = byService.get(service) ?? [];
    records.push(record);
    byService.set(service, records);
  }
  return byService;
}

/** "3 lines on stdout, 3 OTLP records (2 info, 1 error)": both ways a service's lines left it. */
function describeLogDelivery(stdoutCount, records = []) {
  const severities = new Map();
  for (const record of records) {
    const severity = record.severityText || String(record.severityNumber);
    severities.set(severity, (severities.get(severity) ?? 0) + 1);
  }
  const bySeverity = [...severities].map(([severity, count]) => `${count} ${severity}`).join(', ');
  const otlp =
    records.length === 0
      ? dim('no OTLP records')
      : `${records.length} OTLP record${records.length === 1 ? '' : 's'} ${dim(`(${bySeverity})`)}`;
  return `${stdoutCount} line${stdoutCount === 1 ? '' : 's'} on stdout, ${otlp}`;
}

/** What did not line up for one request; empty when it all did. */
function problemsOf(result, found) {
  const problems = [];
  const where = `${result.service} ${result.path}`;
  if (result.actualStatus !== result.status) {
    problems.push(`${where} answered ${result.actualStatus}, expected ${result.status}`);
  }
  if (!result.traceId) {
    problems.push(`${where} sent no traceresponse header, so its trace ID is unknown`);
    return problems;
  }
  const spanServices = new Set(found.spans.map((span) => span.resource['service.name']));
  if (found.spans.length === 0) problems.push(`no spans arrived for ${where} (trace ${result.traceId})`);
  for (const service of result.services) {
    if (found.spans.length > 0 && !spanServices.has(service)) {
      problems.push(`no span from ${service} carries the trace ID of ${where} (${result.traceId})`);
    }
  }
  if (result.sentry && found.events.length === 0) {
    problems.push(`no Sentry event carries the trace ID of ${where} (${result.traceId})`);
  }
  if (result.crossServiceFailure) {
    for (const service of result.services) {
      if (!found.logs.has(service)) {
        problems.push(`no log line of ${service} carries the trace ID of ${where} (${result.traceId})`);
      }
    }
  }
  if (result.pythonHop) problems.push(...pythonHopProblems(result, found, where));
  problems.push(...databaseSpanProblems(result, found));
  if (result.errorRoute && found.events.length > 0) {
    const spanIds = new Set(found.spans.map((span) => span.spanId));
    if (!found.events.some(({ event }) => spanIds.has(event.contexts?.trace?.span_id))) {
      problems.push(`the Sentry event of ${where} names a span that is not among the trace's spans`);
    }
  }
  return problems;
}

/** The Python hop: a child of the Node client span, in the Node service's sampling context. */
function pythonHopProblems(result, found, where) {
  const problems = [];
  const { transaction, samplingContext } =
    found.pythonTransactions.find(
      ({ transaction: candidate }) => candidate.transaction === result.pythonHop,
    ) ?? {};
  if (!transaction) {
    problems.push(
      `no ${PYTHON_SERVICE.name} transaction ${result.pythonHop} carries the trace ID of ${where}`,
    );
    return problems;
  }
  const parent = found.spans.find((span) => span.spanId === transaction.contexts?.trace?.parent_span_id);
  if (parent?.kind !== 'client' || parent.resource['service.name'] !== 'express-api') {
    problems.push(
      `the ${PYTHON_SERVICE.name} transaction of ${where} is not a child of express-api's client span`,
    );
  }
  // What express-api sent: its own events' envelopes say so where there are any; the
  // rest follows from its settings and its server span's name.
  const server = found.spans.find(
    (span) => span.kind === 'server' && span.resource['service.name'] === 'express-api',
  );
  const rate = Number(DEMO_SAMPLE_RATE);
  const expected = {
    trace_id: result.traceId,
    public_key: found.expectedPublicKey,
    sample_rate: String(rate),
    sampled: 'true',
    environment: 'demo',
    release: 'express-api@demo',
    transaction: server?.name,
    ...found.nodeSamplingContext,
  };
  const agrees = (key) =>
    key === 'sample_rand' && expected.sample_rand === undefined
      ? Number(samplingContext[key]) < rate
      : samplingContext[key] === expected[key];
  const differing = Object.keys(samplingContext ?? {}).filter((key) => !agrees(key));
  if (!samplingContext || samplingContext.public_key !== found.expectedPublicKey) {
    problems.push(
      `the ${PYTHON_SERVICE.name} envelope of ${where} does not carry express-api's sampling context`,
    );
  } else if (differing.length > 0) {
    problems.push(
      `the ${PYTHON_SERVICE.name} envelope of ${where} has its own ${differing.join(', ')} instead of express-api's`,
    );
  }
  if (
    result.pythonError &&
    !found.events.some(
      ({ event, service }) =>
        service === PYTHON_SERVICE.name && event.exception?.values?.at(-1)?.value === result.pythonError,
    )
  ) {
    problems.push(`no ${PYTHON_SERVICE.name} Sentry error carries the trace ID of ${where}`);
  }
  return problems;
}

function formatServiceRows(label, rows) {
  if (rows.length === 0) return [`   ${label.padEnd(7)}${dim('none')}`];
  return rows.map(
    ([service, text], index) => `   ${(index === 0 ? label : '').padEnd(7)}${service.padEnd(13)}${text}`,
  );
}

/** The trace ID, then where it arrived: spans, Sentry events and log lines, by service. */
function traceLines(traceId, found) {
  const lines = [`   ${'trace'.padEnd(7)}${traceId ?? bad('unknown')}`];
  const spansByService = new Map();
  for (const span of found.spans) {
    const service = String(span.resource['service.name']);
    const names = spansByService.get(service) ?? [];
    const statement = span.attributes['db.query.text'];
    names.push(`${span.name}${statement ? ` "${statement}"` : ''} ${dim(`(${span.kind})`)}`);
    spansByService.set(service, names);
  }
  lines.push(
    ...formatServiceRows(
      'spans',
      [...spansByService].map(([service, names]) => [service, names.join(', ')]),
    ),
  );
  lines.push(
    ...formatServiceRows(
      'sentry',
      found.events.map(({ event, service }) => {
        const user = event.contexts?.user?.id ? dim(` user ${event.contexts.user.id}`) : '';
        return [
          service,
          `${event.level ?? 'error'} "${eventTitle(event)}" ${dim(`id ${event.event_id}`)}${user}`,
        ];
      }),
    ),
  );
  if (found.pythonTransactions.length > 0) {
    const spanIds = new Map(found.spans.map((span) => [span.spanId, span]));
    lines.push(
      ...formatServiceRows(
        'python',
        found.pythonTransactions.map(({ transaction, samplingContext }) => {
          const parent = spanIds.get(transaction.contexts?.trace?.parent_span_id);
          const under = parent
            ? `under ${parent.resource['service.name']}'s ${parent.kind} span ${parent.name}`
            : bad('under no span of the trace');
          const context =
            samplingContext?.public_key === found.expectedPublicKey
              ? `sampling context of express-api (rate ${samplingContext.sample_rate})`
              : bad('a sampling context of its own');
          return [PYTHON_SERVICE.name, `transaction "${transaction.transaction}" ${under}; ${context}`];
        }),
      ),
    );
  }
  lines.push(
    ...formatServiceRows(
      'logs',
      [...new Set([...found.logs.keys(), ...found.otlpLogs.keys()])].map((service) => [
        service,
        describeLogDelivery(found.logs.get(service) ?? 0, found.otlpLogs.get(service)),
      ]),
    ),
  );
  return lines;
}

function reportRequest(index, result, found) {
  const problems = problemsOf(result, found);
  const mark = problems.length === 0 ? good('✔') : bad('✘');
  const title = `${mark} ${bold(`${index + 1}. ${result.label}`)}  GET ${result.service} ${result.path} → ${result.actualStatus}`;
  console.log(`${[title, ...traceLines(result.traceId, found)].join('\n')}\n`);
  return problems;
}

/**
 * What `http.server.request.duration` counted, per service, route and status: the newest
 * point of each cumulative series holds every request so far.
 */
function reportMetrics(sink) {
  const newest = new Map();
  for (const point of sink.metrics) {
    if (point.name !== 'http.server.request.duration') continue;
    const { attributes } = point;
    const key = JSON.stringify([
      point.resource['service.name'],
      attributes['http.request.method'],
      attributes['http.route'] ?? '',
      attributes['http.response.status_code'],
    ]);
    const current = newest.get(key);
    if (!current || BigInt(point.timeUnixNano) > BigInt(current.timeUnixNano)) newest.set(key, point);
  }
  if (newest.size === 0) return;
  const byService = new Map();
  for (const [key, point] of [...newest].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const [service, method, route, status] = JSON.parse(key);
    const rows = byService.get(service) ?? [];
    rows.push(`${method} ${route || '(no route)'} ${status} ×${point.count}`);
    byService.set(service, rows);
  }
  console.log(bold('Metrics') + dim(': http.server.request.duration by route and status'));
  for (const [service, rows] of byService) console.log(`   ${service.padEnd(13)}${rows.join(', ')}`);
  console.log('');
}

function report(results, sink, services) {
  console.log('');
  const problems = [];
  results.forEach((result, index) => {
    const found = result.traceId
      ? collect(result.traceId, sink, services)
      : { spans: [], events: [], logs: new Map(), pythonTransactions: [] };
    found.expectedPublicKey = sink.publicKey;
    problems.push(...reportRequest(index, result, found));
  });
  reportMetrics(sink);
  if (problems.length === 0) {
    console.log(
      good(bold('All lined up:')) +
        ' every request has spans under its trace ID; the failing cross-service request has the same' +
        "\ntrace ID in spans of both services, in Sentry events and in both services' log lines; the /error" +
        "\nrequest's Sentry event points at its span." +
        (services.has(PYTHON_SERVICE.name)
          ? `\n${PYTHON_SERVICE.name}'s Sentry transactions are children of express-api's client spans and carry` +
            "\nexpress-api's sampling context; its Sentry error has the request's trace ID."
          : ''),
    );
  } else {
    console.log(bad(bold(`${problems.length} thing${problems.length === 1 ? '' : 's'} did not line up:`)));
    for (const problem of problems) console.log(`  - ${problem}`);
  }
  return problems;
}

/** Traces that arrived besides the driven ones: your own requests in --keep mode. */
function reportOtherTraces(drivenTraceIds, sink, services) {
  const roots = sink.spans.filter(
    (span) =>
      span.receiver === 'otlp' &&
      span.kind === 'server' &&
      !drivenTraceIds.has(span.traceId) &&
      !sink.spans.some((parent) => parent.spanId === span.parentSpanId),
  );
  if (roots.length === 0) {
    console.log(dim('\nNo requests of yours arrived.'));
    return;
  }
  const shown = roots.slice(-20);
  console.log(
    bold(`\nYour requests: ${roots.length} trace${roots.length === 1 ? '' : 's'}`) +
      (shown.length < roots.length ? dim(' (the last 20)') : ''),
  );
  for (const root of shown) {
    const found = collect(root.traceId, sink, services);
    found.expectedPublicKey = sink.publicKey;
    const status = root.attributes['http.response.status_code'];
    const lines = traceLines(root.traceId, found);
    // Sentry's Dedupe integration drops an error identical to the one just before it.
    if (Number(status) >= 500 && found.events.length === 0) {
      lines.push(dim('          (no event: Sentry drops an error identical to the one just before it)'));
    }
    console.log(`• ${root.resource['service.name']} ${root.name} → ${status}\n${lines.join('\n')}\n`);
  }
}

function keepInstructions(sink, services) {
  const express = services.get('express-api').url;
  const fastify = services.get('fastify-app').url;
  console.log(bold('\nRunning until Ctrl-C.'));
  console.log(
    `  ${'sink'.padEnd(13)}${sink.url}  ${dim('OTLP/HTTP /v1/traces, /v1/metrics, /v1/logs; Sentry envelopes')}`,
  );
  for (const service of services.values()) console.log(`  ${service.name.padEnd(13)}${service.url}`);
  console.log('\nTry:');
  for (const command of [
    `curl -i ${express}/api/items/1`,
    `curl -i ${express}/api/items/13/stock   # fails in fastify-app, one trace ID in both`,
    `curl -i ${express}/error`,
    `curl -i ${fastify}/api/items/2/stock`,
    ...(services.has(PYTHON_SERVICE.name)
      ? [`curl -i ${express}/api/fastapi-error   # fails in fastapi-app (Python), one trace ID in both`]
      : []),
  ]) {
    console.log(`  ${command}`);
  }
  console.log(
    dim('\nThe traceresponse header of each answer holds its trace ID; Ctrl-C lists what arrived.'),
  );
}

function waitForStopSignal() {
  return new Promise((resolve) => {
    let received;
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
      process.on(signal, () => {
        // A second Ctrl-C while the services flush: stop waiting for them.
        if (received) process.exit(130);
        received = signal;
        resolve(signal);
      });
    }
  });
}

// Once the demo is done, a further Ctrl-C ends it the default way.
function removeStopSignalListeners() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.removeAllListeners(signal);
}

// ---------------------------------------------------------------------------------------
// Main

async function main(args) {
  const keep = args.includes('--keep');
  const unknown = args.filter((arg) => arg !== '--keep');
  if (unknown.length > 0) {
    console.error(`unknown argument ${unknown.join(' ')}\n${USAGE}`);
    return 2;
  }
  const started = performance.now();
  console.log(
    bold('tracewire demo') + dim(': the example services on a local sink, no cloud account needed'),
  );
  buildPackagesIfNeeded();

  const { startTestSink } = await import(
    pathToFileURL(path.join(ROOT, 'packages/testing/dist/index.mjs')).href
  );
  const databaseFixtures = await import(
    pathToFileURL(path.join(ROOT, 'packages/testing/dist/fixtures.mjs')).href
  );
  const sink = await startTestSink();
  const services = new Map();
  // A signal during the run stops everything cleanly; in --keep mode it is the way out.
  const stopSignal = waitForStopSignal();
  const unlessInterrupted = (promise) =>
    Promise.race([
      promise,
      stopSignal.then((signal) => {
        throw new DemoError(`interrupted (${signal})`);
      }),
    ]);
  let demoRedis;
  try {
    demoRedis = await unlessInterrupted(startDemoRedis(databaseFixtures));
    // The Python hop first: express-api is told its URL.
    const python = findPython();
    let fastapi;
    if (python.ok) {
      fastapi = await unlessInterrupted(
        startProcess(PYTHON_SERVICE, python.python, ['main.py'], { env: pythonEnv(sink) }),
      );
    } else {
      console.log(
        `  ${PYTHON_SERVICE.name.padEnd(13)}${dim(`skipped: ${python.reason}. To include it: ${PYTHON_INSTALL_HINT}`)}`,
      );
    }
    let upstreamUrl;
    for (const service of SERVICES) {
      const extraEnv = fastapi && service.name === 'express-api' ? { FASTAPI_URL: fastapi.url } : {};
      if (demoRedis && service.name === 'express-api') extraEnv.REDIS_URL = demoRedis.url;
      const running = await unlessInterrupted(startService(sink, service, upstreamUrl, extraEnv));
      services.set(service.name, running);
      upstreamUrl = running.url;
    }
    if (fastapi) {
      services.set(PYTHON_SERVICE.name, fastapi);
    }
    const running = [...services.values()];
    for (const [index, service] of running.entries()) {
      const next = running[index - 1];
      const upstream =
        service.name === PYTHON_SERVICE.name
          ? ', FASTAPI_URL of express-api'
          : service.upstreamVariable
            ? `, ${service.upstreamVariable} → ${next.name}`
            : '';
      console.log(`  ${service.name.padEnd(13)}${service.url}  ${dim(`${service.framework}${upstream}`)}`);
    }
    console.log(`  ${'sink'.padEnd(13)}${sink.url}  ${dim('OTLP/HTTP receiver and Sentry ingest')}`);

    const results = await unlessInterrupted(
      drive(services, [
        ...REQUESTS,
        ...(fastapi ? PYTHON_REQUESTS : []),
        ...(demoRedis ? [REDIS_REQUEST] : []),
      ]),
    );
    const drivenTraceIds = new Set(results.map((result) => result.traceId).filter(Boolean));

    if (keep) {
      // The services stay up: wait for the scheduled span export instead of a flush.
      await sink
        .waitFor(
          (current) =>
            results.every(
              (result) =>
                !result.traceId ||
                result.services.every((service) =>
                  current.spans.some(
                    (span) => span.traceId === result.traceId && span.resource['service.name'] === service,
                  ),
                ),
            ),
          { timeoutMs: KEEP_WAIT_MS },
        )
        .catch(() => {});
      const problems = report(results, sink, services);
      keepInstructions(sink, services);
      await stopSignal;
      console.log(dim('\nStopping …'));
      await Promise.all([...services.values()].map(stopService));
      reportOtherTraces(drivenTraceIds, sink, services);
      return problems.length === 0 ? 0 : 1;
    }

    // SIGTERM: tracewire flushes spans, metrics and Sentry events before each process ends.
    await Promise.all([...services.values()].map(stopService));
    const problems = report(results, sink, services);
    console.log(dim(`\nDone in ${((performance.now() - started) / 1000).toFixed(1)} s.`));
    return problems.length === 0 ? 0 : 1;
  } finally {
    await Promise.allSettled([...services.values()].map(stopService));
    await demoRedis?.stop();
    for (const child of children) child.kill('SIGKILL');
    await sink.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    removeStopSignalListeners();
  },
  (error) => {
    console.error(bad(`\npnpm demo failed: ${error instanceof DemoError ? error.message : error.stack}`));
    process.exitCode = 1;
    removeStopSignalListeners();
  },
);
