// Run as a child by lib/availability.mjs: imports each requested module and reports which
// of the expected exports it has. A separate process keeps the harness itself free of the
// SDKs (and of any side effects their import might have).
const requirements = JSON.parse(process.argv[2]);
const results = {};
for (const { module, exports } of requirements) {
  try {
    // Without exports to check, resolving is enough and spares loading a large package
    // (the auto-instrumentations' index loads every instrumentation).
    if (exports.length === 0) {
      import.meta.resolve(module);
      results[module] = { missing: [] };
      continue;
    }
    const namespace = await import(module);
    results[module] = { missing: exports.filter((name) => typeof namespace[name] !== 'function') };
  } catch (error) {
    results[module] = { error: String(error?.message ?? error).split('\n')[0] };
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);
