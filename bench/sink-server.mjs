// The telemetry sink as its own process, so that receiving exports costs the sink's CPU
// and not the server's, while the server still pays the full cost of sending them.
//
// Protocol with the parent (bench/lib/sink.mjs): over the IPC channel it sends
// `{ type: 'listening', port }` once, answers `{ type: 'stats' }` with
// `{ type: 'stats', stats }`, and exits on `{ type: 'stop' }` or when the parent goes away.
//
// The receiver is chosen by BENCH_SINK: `discard` (default) counts and drops payloads;
// `testing` is @tracewire/testing's decoding sink. Any receiver that resolves to
// `{ port, stats(), close() }` fits.
const receivers = {
  discard: async () => (await import('./lib/discard-receiver.mjs')).startDiscardReceiver(),
  testing: async () => (await import('./lib/test-sink-receiver.mjs')).startTestSinkReceiver(),
};

if (!process.send) {
  console.error('sink-server.mjs is started by bench/run.mjs with an IPC channel');
  process.exit(1);
}

const startReceiver = receivers[process.env.BENCH_SINK ?? 'discard'];
if (!startReceiver) {
  console.error(
    `unknown BENCH_SINK ${process.env.BENCH_SINK}; expected one of ${Object.keys(receivers).join(', ')}`,
  );
  process.exit(1);
}
const receiver = await startReceiver();

async function stop() {
  await receiver.close?.();
  process.exit(0);
}

process.on('message', (message) => {
  if (message?.type === 'stats') process.send({ type: 'stats', stats: receiver.stats?.() ?? null });
  if (message?.type === 'stop') void stop();
});
// The parent closing the channel (normally or by dying) ends the sink: no orphans.
process.on('disconnect', () => void stop());
process.send({ type: 'listening', port: receiver.port });
