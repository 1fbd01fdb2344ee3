// `pnpm demo` will start the example services on the built-in local sink, drive traffic
// through them and print, per trace, where its trace ID arrived. The examples do not
// exist yet, so this says so and fails rather than pretending.
console.error(
  'pnpm demo is not available yet: it will start the example services (examples/) on the\n' +
    'built-in local sink (@tracewire/testing), send a success, a 404, a failing request and a\n' +
    'cross-service request, and report the trace IDs seen in spans, Sentry events and logs.',
);
process.exit(1);
