// What every bench server shares, so that variants differ only in their instrumentation:
// the route, the response, the log line, how the port is announced and how it stops.
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';

/** The one benchmarked route; the driver requests it with a few distinct ids. */
export const HELLO_ROUTE = '/hello/:id';

/** The response body for `/hello/<id>`. */
export function helloBody(id) {
  return { hello: id };
}

/**
 * The file the request log goes to. The harness passes a fresh file per server run in
 * BENCH_LOG_FILE; writing to a real file (not /dev/null) keeps the logging cost real.
 */
export function benchLogFile() {
  return process.env.BENCH_LOG_FILE ?? path.join(os.tmpdir(), `tracewire-bench-${process.pid}.log`);
}

/**
 * pino's default file destination (asynchronous SonicBoom). Every variant logs through
 * one of these, so logging costs the same everywhere except for what instrumentation adds.
 */
export function benchLogDestination() {
  return pino.destination(benchLogFile());
}

/** The plain pino logger of the uninstrumented and third-party variants. */
export function createBenchLogger() {
  return pino({ level: process.env.LOG_LEVEL ?? 'info' }, benchLogDestination());
}

/**
 * Prints the line the harness waits for. The port is printed only once the server is
 * accepting, so the harness's startup clock stops at a request that was really served.
 */
export function announceListening(port) {
  process.stdout.write(`BENCH_LISTENING ${port}\n`);
}

/**
 * Stops the process on SIGTERM/SIGINT after `flush` (bounded, so a stuck exporter cannot
 * hang the harness), and also when the harness goes away: it holds our stdin, and EOF
 * there means the parent died, so no server outlives a killed benchmark.
 */
export function exitOnStop(flush = async () => {}) {
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    const timeout = new Promise((resolve) => setTimeout(resolve, 5_000).unref());
    try {
      await Promise.race([flush(), timeout]);
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.on('error', stop);
  process.stdin.resume();
}
