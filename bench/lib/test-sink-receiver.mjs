// @tracewire/testing's sink behind the same `{ port, stats(), close() }` shape as the
// discarding receiver (`pnpm bench --sink testing`). It decodes every payload, so a
// variant whose exports do not decode shows up as `rejected` traffic; the price is the
// decoding CPU, which on a small machine the sink takes from the server under test, so
// timing runs use the discarding receiver.
import { startTestSink } from '@tracewire/testing';
import { classifySinkPath } from './discard-receiver.mjs';

export async function startTestSinkReceiver() {
  // The harness builds its DSN with this key and project (see lib/sink.mjs).
  const sink = await startTestSink({ publicKey: 'publickey', projectId: '1' });
  const counters = {};
  // The sink keeps every request and decoded item in memory; folding them into counters
  // and resetting keeps a full run (hundreds of MB of exports) from filling the heap.
  const fold = () => {
    for (const request of sink.requests) {
      if (request.outcome === 'hanging') continue;
      const kind = request.outcome === 'recorded' ? classifySinkPath(request.path) : 'rejected';
      counters[kind] ??= { requests: 0, bytes: 0 };
      counters[kind].requests += 1;
      counters[kind].bytes += request.bytes;
    }
    sink.reset();
  };
  const timer = setInterval(fold, 1_000);
  return {
    port: sink.port,
    stats: () => {
      fold();
      return structuredClone(counters);
    },
    close: async () => {
      clearInterval(timer);
      await sink.close();
    },
  };
}
