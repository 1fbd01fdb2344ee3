// The receiver behind bench/sink-server.mjs: accepts OTLP/HTTP and Sentry ingest POSTs on
// 127.0.0.1, answers 200 and throws the payload away. It still reads every body to the end,
// because a receiver that stops reading would make the exporters block or retry and the
// variant would look slower (or, if it dropped data, cheaper) than it is.
import http from 'node:http';

/**
 * Names the kind of telemetry a request path carries, so the report can show which
 * export pipelines of a variant actually sent something.
 */
export function classifySinkPath(pathname) {
  if (pathname === '/v1/traces') return 'otlp-traces';
  if (pathname === '/v1/metrics') return 'otlp-metrics';
  if (pathname === '/v1/logs') return 'otlp-logs';
  if (/^\/api\/[^/]+\/envelope\/?$/.test(pathname)) return 'sentry-envelope';
  if (/^\/api\/[^/]+\/integration\/otlp\/v1\/traces\/?$/.test(pathname)) return 'sentry-otlp-traces';
  return 'unknown';
}

/**
 * Starts the discarding receiver. Resolves to `{ port, stats(), close() }`; `stats()`
 * returns `{ [kind]: { requests, bytes } }` since start.
 */
export function startDiscardReceiver({ host = '127.0.0.1', port = 0 } = {}) {
  const counters = {};
  const server = http.createServer((req, res) => {
    const { pathname } = new URL(req.url ?? '/', 'http://sink');
    const kind = req.method === 'POST' ? classifySinkPath(pathname) : 'unknown';
    let bytes = 0;
    req.on('data', (chunk) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      counters[kind] ??= { requests: 0, bytes: 0 };
      const counter = counters[kind];
      counter.requests += 1;
      counter.bytes += bytes;
      if (kind === 'unknown') {
        res.writeHead(404).end();
        return;
      }
      // An empty body is a valid (empty) OTLP protobuf response; JSON exporters and
      // Sentry's transport accept `{}`.
      const protobuf = (req.headers['content-type'] ?? '').includes('protobuf');
      res.writeHead(200, { 'content-type': protobuf ? 'application/x-protobuf' : 'application/json' });
      res.end(protobuf ? undefined : '{}');
    });
  });
  // Exporters keep their connections alive between batches; the default 5 s keep-alive
  // timeout would close them mid-round and add reconnect cost to the variant.
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      resolve({
        port: server.address().port,
        stats: () => structuredClone(counters),
        close: () =>
          new Promise((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
