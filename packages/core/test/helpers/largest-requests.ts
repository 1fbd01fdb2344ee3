// The largest requests Node's HTTP server accepts (its request head is limited to 16 KiB
// by default), built to grow every field tracewire writes from request data. Raw
// sockets, so a head carries exactly the bytes given: quotes in the path (which JSON
// doubles), Latin-1 bytes in headers (which UTF-8 doubles), an oversized request ID.
import net from 'node:net';
import { Writable } from 'node:stream';
import type { TestSink } from '@tracewire/testing';
import { ACCESS_LOG_LINE_LIMIT, REQUEST_FIELD_LIMITS } from '../../src/adapter.ts';

/** Status and headers of a raw response. */
export interface RawAnswer {
  status: number;
  headers: Map<string, string>;
}

/** Sends one request head (`Connection: close`) and reads the response head. */
export function sendRawRequest(port: number, head: Buffer): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    // The server resets a connection whose head is too large, often before it reads it
    // all: that request was not accepted.
    let reset = false;
    socket.on('error', () => {
      reset = true;
    });
    socket.on('close', () => {
      if (reset) {
        resolve({ status: 0, headers: new Map() });
        return;
      }
      const text = Buffer.concat(chunks).toString('latin1');
      const [statusLine = '', ...lines] = text.split('\r\n\r\n')[0]?.split('\r\n') ?? [];
      const headers = new Map<string, string>();
      for (const line of lines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
      }
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers });
    });
    socket.end(head);
  });
}

/** One oversized request: its name, and its head for a given size of its growing part. */
export interface GrowingRequest {
  name: string;
  head(size: number): Buffer;
}

function head(path: string, headers: Record<string, string> = {}): Buffer {
  const all: Record<string, string> = { Host: '127.0.0.1', Connection: 'close', ...headers };
  const lines = [`GET ${path} HTTP/1.1`];
  for (const [name, value] of Object.entries(all)) lines.push(`${name}: ${value}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}

/**
 * Requests that grow each field: `matched` is a path the app routes (`/users/:id`),
 * `failing` one it answers 500 (so Sentry gets an event), `unmatched` one it does not route.
 */
export function growingRequests(paths: {
  matched: string;
  failing: string;
  unmatched: string;
}): GrowingRequest[] {
  const quarter = (size: number) => Math.floor(size / 4);
  return [
    { name: 'unmatched path', head: (size) => head(`${paths.unmatched}${'a'.repeat(size)}`) },
    { name: 'matched path', head: (size) => head(`${paths.matched}${'b'.repeat(size)}`) },
    { name: 'path of quotes', head: (size) => head(`${paths.unmatched}${'"'.repeat(size)}`) },
    {
      name: 'failing path and query',
      head: (size) => head(`${paths.failing}${'c'.repeat(size)}?q=${'d'.repeat(size)}`),
    },
    { name: 'user agent', head: (size) => head(paths.failing, { 'User-Agent': '\u00e9'.repeat(size) }) },
    {
      name: 'referer',
      head: (size) => head(paths.failing, { Referer: `http://127.0.0.1/${'\t"'.repeat(size)}` }),
    },
    { name: 'request ID', head: (size) => head(paths.failing, { 'X-Request-Id': 'r'.repeat(size) }) },
    { name: 'host', head: (size) => head(paths.failing, { Host: 'h'.repeat(size) }) },
    {
      name: 'everything at once',
      head: (size) =>
        head(`${paths.failing}${'e'.repeat(quarter(size))}`, {
          'User-Agent': '\u00e9'.repeat(quarter(size)),
          Referer: `http://127.0.0.1/${'f'.repeat(quarter(size))}`,
          'X-Request-Id': 'g'.repeat(quarter(size)),
        }),
    },
  ];
}

/**
 * Sends `request` at the largest size the server still accepts (found by bisection:
 * a larger head gets 431 or 400) and returns that answer and size.
 */
export async function sendLargestAccepted(
  port: number,
  request: GrowingRequest,
): Promise<{ answer: RawAnswer; size: number }> {
  const accepted = async (size: number) => {
    const answer = await sendRawRequest(port, request.head(size));
    return answer.status !== 431 && answer.status !== 400 && answer.status !== 0 ? answer : undefined;
  };
  let low = 0;
  let high = 64 * 1024;
  while (low < high) {
    const middle = Math.ceil((low + high) / 2);
    if (await accepted(middle)) low = middle;
    else high = middle - 1;
  }
  const answer = await accepted(low);
  if (!answer) throw new Error(`${request.name}: the server accepts no size of it`);
  return { answer, size: low };
}

/** A pino destination that keeps every line as written, for byte counts. */
export function rawLineDestination(): Writable & { lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      for (const line of String(chunk).split('\n')) if (line !== '') lines.push(line);
      callback();
    },
  });
  return Object.assign(stream, { lines });
}

const TRUNCATED = /…\[truncated \d+ chars\]$/;

/**
 * Every place a field tracewire writes exceeds its documented bound: its own log lines
 * (access lines and `TW_*` reports) over `ACCESS_LOG_LINE_LIMIT` bytes or with a raw
 * path in the message, and span attributes and Sentry request data over
 * `REQUEST_FIELD_LIMITS`. Lines the framework writes through `request.log` (Fastify's
 * "Route GET:/… not found") are the framework's. Empty when all hold.
 */
export function boundViolations(lines: readonly string[], sink: TestSink): string[] {
  const violations: string[] = [];
  const over = (what: string, value: unknown, limit: number) => {
    if (typeof value === 'string' && value.length > limit)
      violations.push(`${what}: ${value.length} > ${limit}`);
  };
  let written = 0;
  for (const line of lines) {
    const fields = JSON.parse(line) as {
      code?: string;
      duration_ms?: number;
      msg?: string;
      request_id?: string;
      http?: Record<string, unknown>;
    };
    const access = fields.duration_ms !== undefined && fields.http !== undefined;
    if (!access && !fields.code?.startsWith('TW_')) continue;
    written += 1;
    const bytes = Buffer.byteLength(line);
    if (bytes > ACCESS_LOG_LINE_LIMIT) violations.push(`log line of ${bytes} bytes: ${line.slice(0, 120)}`);
    over('request_id', fields.request_id, REQUEST_FIELD_LIMITS.requestId);
    if (fields.http === undefined) continue;
    const { method, route, path } = fields.http as { method: string; route?: string; path: string };
    over('http.path', path, REQUEST_FIELD_LIMITS.path);
    over('http.route', route, REQUEST_FIELD_LIMITS.route);
    const expected = `${method} ${route === undefined ? '' : `${route} `}${fields.http.status_code}`;
    if (fields.msg !== expected) {
      violations.push(`access line message ${fields.msg?.slice(0, 80)} is not ${expected.slice(0, 80)}`);
    }
    if (path.length === REQUEST_FIELD_LIMITS.path && !TRUNCATED.test(path))
      violations.push('a cut http.path is not marked');
  }
  if (written === 0) violations.push('tracewire wrote no line to check');
  for (const span of sink.spans) {
    // Every span of the request (framework instrumentations tracewire configures too).
    over(`${span.name.slice(0, 40)} url.path`, span.attributes['url.path'], REQUEST_FIELD_LIMITS.path);
    if (span.kind !== 'server') continue;
    over(`span name`, span.name, REQUEST_FIELD_LIMITS.route + 8);
    over(`http.route`, span.attributes['http.route'], REQUEST_FIELD_LIMITS.route);
    over(`user_agent.original`, span.attributes['user_agent.original'], REQUEST_FIELD_LIMITS.header);
    over(`server.address`, span.attributes['server.address'], REQUEST_FIELD_LIMITS.host);
  }
  for (const event of sink.sentry.events) {
    over('event.request.url', event.request?.url, REQUEST_FIELD_LIMITS.url);
    over('event.transaction', event.transaction, REQUEST_FIELD_LIMITS.route + 8);
    for (const [name, value] of Object.entries(event.request?.headers ?? {})) {
      over(`event.request.headers.${name}`, value, REQUEST_FIELD_LIMITS.header);
    }
    for (const [name, value] of Object.entries(event.tags ?? {}))
      over(`event tag ${name}`, value, REQUEST_FIELD_LIMITS.route);
  }
  return violations;
}
