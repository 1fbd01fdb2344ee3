import { detectKillWindow } from '../../config/shutdown-window-detection.ts';
import { describeAddresses } from './describe-addresses.ts';
import type { DoctorCheck, DoctorContext } from './doctor-types.ts';

const DESTINATION = 'Platform';

/**
 * Platform checks: the shutdown budget ends before the platform's SIGKILL, and private
 * DNS names (`*.railway.internal`) among the configured endpoints resolve, with their
 * address families (Railway environments created before 2025-10-16 resolve them to
 * IPv6 only).
 *
 * @example
 * const lines = await checkPlatform(context);
 */
export async function checkPlatform(context: DoctorContext): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const window = detectKillWindow(context.env);
  const budget = context.config.shutdownTimeoutMs;
  const source = context.config.sources.shutdownTimeoutMs ?? 'default';
  if (window) {
    const base = { destination: DESTINATION, check: 'platform.shutdown-budget' };
    const { label, variable, widen } = window.found;
    const basis = window.found.readWindowMs ? variable : `${label}'s default for ${variable} set`;
    checks.push(
      budget <= window.windowMs
        ? {
            ...base,
            status: 'pass',
            message: `the shutdown budget of ${budget} ms (${source}) fits ${label}'s kill window of ${window.windowMs} ms (${basis}).`,
          }
        : {
            ...base,
            status: 'warn',
            message: `the shutdown budget of ${budget} ms (${source}) is longer than ${label}'s kill window of ${window.windowMs} ms (${basis}): the process can be killed before telemetry is flushed.`,
            fix: `Set TRACEWIRE_SHUTDOWN_TIMEOUT_MS below ${window.windowMs}${widen ? `, or ${widen}` : ''}.`,
          },
    );
  }
  const hosts = privateHosts(context);
  checks.push(...(await Promise.all(hosts.map((host) => checkPrivateName(context, host)))));
  return checks;
}

/** Every configured destination's host under Railway's private domain, once each. */
function privateHosts(context: DoctorContext): string[] {
  const { config } = context;
  const urls = [
    config.sentry.dsn,
    config.otlp.tracesEndpoint,
    config.otlp.metricsEndpoint,
    config.otlp.logsEndpoint,
    config.sentry.authToken === undefined ? undefined : config.sentry.internalUrl,
  ];
  const hosts = new Set<string>();
  for (const url of urls) {
    if (url === undefined) continue;
    const hostname = new URL(url).hostname.toLowerCase();
    if (hostname.endsWith('.railway.internal')) hosts.add(hostname);
  }
  return [...hosts];
}

async function checkPrivateName(context: DoctorContext, hostname: string): Promise<DoctorCheck> {
  const base = { destination: DESTINATION, target: hostname, check: 'platform.private-dns' };
  try {
    const addresses = await context.network.resolve(hostname, context.timeoutMs);
    const families = new Set(addresses.map((entry) => entry.family));
    if (families.has(6) && !families.has(4)) {
      return {
        ...base,
        status: 'warn',
        message: `${hostname} resolves to IPv6 only: ${describeAddresses(addresses)}. This Railway environment's private network is IPv6-only.`,
        fix: 'The service behind this name must listen on :: (not 0.0.0.0), e.g. app.listen(port, "::"); Node connects over IPv6 then.',
      };
    }
    return { ...base, status: 'pass', message: `${hostname} resolves to ${describeAddresses(addresses)}.` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'ERROR';
    return {
      ...base,
      status: 'fail',
      message: `${hostname} does not resolve (${code}).`,
      fix: 'Private names resolve only inside the Railway project (not during the build, not locally); check the service name and that private networking is enabled.',
    };
  }
}
