import type { DoctorCheck, DoctorContext } from './doctor-types.ts';

const DESTINATION = 'Prometheus scrape endpoint';

/**
 * In `prometheus` metrics mode: the configured port is free to bind, as the scrape
 * endpoint will bind it, or it already serves this service's tracewire metrics (the app
 * itself is running). A port held by anything else fails: the app would start without
 * its metrics endpoint.
 *
 * @example
 * const lines = await checkPrometheusPort(context); // [] unless TRACEWIRE_METRICS is prometheus
 */
export async function checkPrometheusPort(context: DoctorContext): Promise<DoctorCheck[]> {
  const { config, network } = context;
  if (config.metrics.mode !== 'prometheus' || config.sdkDisabled) return [];
  const port = config.metrics.prometheusPort;
  const base = { destination: DESTINATION, target: `:${port}/metrics`, check: 'prometheus.port' };
  if (port === 0)
    return [{ ...base, status: 'pass', message: 'port 0: the system picks a free port at startup.' }];
  const bindError = await network.tryBind(port);
  if (bindError === undefined) {
    return [
      { ...base, status: 'pass', message: `port ${port} is free; the scrape endpoint will listen there.` },
    ];
  }
  if (bindError === 'EACCES') {
    return [
      {
        ...base,
        status: 'fail',
        message: `port ${port} needs privileges this process does not have (EACCES).`,
        fix: 'Set TRACEWIRE_PROMETHEUS_PORT to a port above 1023 (the default is 9464).',
      },
    ];
  }
  if (bindError !== 'EADDRINUSE') {
    return [
      {
        ...base,
        status: 'fail',
        message: `port ${port} cannot be bound (${bindError}).`,
        fix: 'Set TRACEWIRE_PROMETHEUS_PORT to a free port.',
      },
    ];
  }
  // Taken: by this very service (fine) or by something else (the endpoint will not start).
  const outcome = await network.request(`http://localhost:${port}/metrics`, {
    method: 'GET',
    headers: { accept: 'text/plain' },
    timeoutMs: context.timeoutMs,
  });
  const serving =
    outcome.kind === 'response' &&
    outcome.status === 200 &&
    /^target_info\{/m.test(outcome.body) &&
    outcome.body.includes(`service_name="${config.serviceName}"`);
  if (serving) {
    return [
      {
        ...base,
        status: 'pass',
        message: `port ${port} already serves tracewire metrics for ${config.serviceName}.`,
      },
    ];
  }
  return [
    {
      ...base,
      status: 'fail',
      message: `port ${port} is taken by another process, which does not serve ${config.serviceName}'s metrics.`,
      fix: 'Stop that process, or set TRACEWIRE_PROMETHEUS_PORT to a free port (and the scrape config to match).',
    },
  ];
}
