// Preloaded into a server by bench/allocations.mjs (`--import`): V8's sampling heap
// profiler, started on SIGUSR1 and stopped on SIGUSR2, which writes what was allocated
// in between, by allocation site, to BENCH_ALLOCATIONS_OUT as JSON. Objects freed by
// the young-generation GC count too: the point is what a request allocates, which is
// what the garbage collector has to clean up after, not what it keeps.
import fs from 'node:fs';
import inspector from 'node:inspector';

const out = process.env.BENCH_ALLOCATIONS_OUT;
const session = new inspector.Session();
session.connect();
const post = (method, params) =>
  new Promise((resolve, reject) =>
    session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
  );

/** Self bytes per allocation site (`function url:line`), from the profile's call tree. */
function bySite(head) {
  const sites = {};
  const walk = (node) => {
    if (node.selfSize > 0) {
      const frame = node.callFrame;
      const url = frame.url
        .replace(/^.*\/node_modules\//, '')
        .replace(/^file:\/\/.*\/(packages|bench)\//, '$1/');
      const key = `${frame.functionName || '(anonymous)'} ${url}:${frame.lineNumber + 1}`;
      sites[key] = (sites[key] ?? 0) + node.selfSize;
    }
    for (const child of node.children) walk(child);
  };
  walk(head);
  return sites;
}

process.on('SIGUSR1', () => {
  void post('HeapProfiler.enable').then(() =>
    post('HeapProfiler.startSampling', {
      samplingInterval: 1024,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    }),
  );
});
process.on('SIGUSR2', () => {
  void post('HeapProfiler.stopSampling').then(({ profile }) => {
    fs.writeFileSync(out, JSON.stringify({ sites: bySite(profile.head) }));
  });
});
