// The load generator, in its own process: nothing else runs on autocannon's event loop
// (the harness's own work would delay requests and skew latencies), and the server under
// test competes with exactly one client. Usage: node drive.mjs '<json options>'; prints
// one JSON result line.
//
// Options: { origin, ids, connections, pipelining, warmupSeconds, durationSeconds, amount }.
// With `amount` it sends that many requests (memory runs) instead of running for a time.
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
// Distinct path params, so routing and span names see more than one URL; autocannon
// cycles every connection through this list.
const requests = options.ids.map((id) => ({ method: 'GET', path: `/hello/${encodeURIComponent(id)}` }));

function run(extra) {
  return autocannon({
    url: options.origin,
    requests,
    connections: options.connections,
    pipelining: options.pipelining,
    timeout: 10,
    ...extra,
  });
}

let warmup = null;
if (options.warmupSeconds > 0) {
  warmup = await run({ duration: options.warmupSeconds });
}
const result = await run(options.amount ? { amount: options.amount } : { duration: options.durationSeconds });

const summary = (r) => ({
  durationSeconds: r.duration,
  requests2xx: r['2xx'],
  non2xx: r.non2xx,
  errors: r.errors,
  timeouts: r.timeouts,
});
process.stdout.write(
  `${JSON.stringify({
    ...summary(result),
    // Completed 2xx responses over the measured wall time: failed requests never count as throughput.
    reqPerSec: result.duration > 0 ? result['2xx'] / result.duration : 0,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    latencyAvgMs: result.latency.average,
    warmup: warmup ? summary(warmup) : null,
  })}\n`,
);
