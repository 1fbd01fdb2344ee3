import type { Logger } from 'pino';
import type { TracewireConfig } from '../config/types.ts';
import type { PipelineStatus } from './handle.ts';

function sentryProjectId(dsn: string | undefined): string | undefined {
  if (!dsn) return undefined;
  try {
    return new URL(dsn).pathname.split('/').filter(Boolean).at(-1);
  } catch {
    return undefined;
  }
}

/**
 * One info line saying what is wired, so "is Sentry on in production?" is answered by
 * the first log line of the process. Secrets are scrubbed; only the Sentry project ID
 * and endpoints without credentials appear.
 */
export function logStartupSummary(
  logger: Logger,
  config: TracewireConfig,
  pipelines: PipelineStatus,
  instrumentations: string[],
  scrub: (text: string) => string,
): void {
  const project = sentryProjectId(config.sentry.dsn);
  const tracesEndpoint = config.otlp.tracesEndpoint ? scrub(config.otlp.tracesEndpoint) : undefined;
  const summary = {
    sentry: pipelines.sentry ? { project, environment: config.environment } : false,
    release: config.release,
    traces: pipelines.tracing
      ? { endpoint: tracesEndpoint, destinations: pipelines.spanDestinations, sampleRate: config.sampleRate }
      : false,
    metrics: pipelines.metrics ? config.metrics.mode : false,
    logs: pipelines.logs.exporting
      ? { endpoint: pipelines.logs.endpoint, stdout: pipelines.logs.stdout }
      : false,
    instrumentations,
  };
  const parts = [
    pipelines.sentry ? `Sentry on (project ${project}, environment ${config.environment})` : 'Sentry off',
    `release ${config.release ?? 'unknown'}`,
    pipelines.tracing
      ? `traces ${pipelines.spanDestinations.length > 0 ? `to ${pipelines.spanDestinations.join(' + ')}` : 'for correlation only (no exporter)'} at sample rate ${config.sampleRate}`
      : 'tracing off',
    `metrics ${pipelines.metrics ? config.metrics.mode : 'off'}`,
    pipelines.logs.exporting
      ? `logs over OTLP${pipelines.logs.stdout ? ' and stdout' : ' only (stdout off)'}`
      : 'logs to stdout',
  ];
  logger.info({ tracewire: summary }, `tracewire initialised: ${parts.join(', ')}`);
}
