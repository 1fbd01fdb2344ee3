import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type {
  Envelope,
  ErrorEvent,
  Integration,
  Transport,
  TransportMakeRequestResponse,
} from '@sentry/core';
import * as Sentry from '@sentry/node';
import type { TracewireConfig } from '../config/types.ts';
import type { ProblemReporter } from '../diagnostics/rate-limited-reporter.ts';
import { attachDynamicSamplingContext } from './dynamic-sampling-context.ts';
import { grafanaTraceUrl } from './grafana-trace-link.ts';
import { privacyDefaults, scrubEvent } from './privacy.ts';

export interface SentryOptions {
  /** Send the values of local variables with stack frames. Off by default: it opens the inspector and ships data. */
  includeLocalVariables?: boolean;
  /** Extra Sentry integrations. tracewire's own set stays; a user integration with the same name replaces it. */
  integrations?: Integration[];
  /** Error messages (strings or regexes) Sentry should drop: its inbound filters. */
  ignoreErrors?: Array<string | RegExp>;
  /** Runs after tracewire's scrubbing; return null to drop the event. */
  beforeSend?: (event: ErrorEvent) => ErrorEvent | null;
  /** Replaces Sentry's HTTP transport (tests). */
  transport?: Sentry.NodeOptions['transport'];
  /** How many envelopes may wait for delivery. Sentry's own default, 64, loses events in bursts. */
  transportBufferSize?: number;
}

export interface SentryPipeline {
  client: Sentry.NodeClient | undefined;
  flush(timeoutMs: number): Promise<boolean>;
  close(timeoutMs: number): Promise<boolean>;
}

/**
 * Sentry integrations tracewire runs. None of them starts spans or propagates its own
 * trace (OpenTelemetry owns tracing); `openTelemetryIntegration` stamps every event
 * with the active OpenTelemetry span's trace and span ID. Sentry's Http, NodeFetch,
 * Express, Fastify and Koa integrations are left out: they wrap every request, start
 * non-recording spans of their own, and (Fastify) give errors a different trace ID.
 */
function tracewireIntegrations(includeLocalVariables: boolean): Integration[] {
  return [
    Sentry.openTelemetryIntegration(),
    Sentry.eventFiltersIntegration(),
    Sentry.functionToStringIntegration(),
    Sentry.linkedErrorsIntegration(),
    Sentry.dedupeIntegration(),
    Sentry.onUncaughtExceptionIntegration(),
    Sentry.onUnhandledRejectionIntegration(),
    Sentry.contextLinesIntegration(),
    Sentry.nodeContextIntegration(),
    Sentry.modulesIntegration(),
    Sentry.childProcessIntegration(),
    Sentry.processSessionIntegration(),
    ...(includeLocalVariables ? [Sentry.localVariablesIntegration()] : []),
  ];
}

/**
 * Wraps Sentry's transport so its envelope POSTs never become spans (they would be
 * telemetry about telemetry) and so undelivered envelopes are counted and reported.
 * `Sentry.flush()` returning true does not mean delivery; a status code does.
 */
function createObservedTransport(
  makeTransport: NonNullable<Sentry.NodeOptions['transport']>,
  onUndelivered: (itemCount: number, reason: string) => void,
): NonNullable<Sentry.NodeOptions['transport']> {
  return (options) => {
    const inner: Transport = makeTransport(options);
    return {
      send(envelope: Envelope): PromiseLike<TransportMakeRequestResponse> {
        const itemCount = envelope[1].length;
        const sending = context.with(suppressTracing(context.active()), () => inner.send(envelope));
        return Promise.resolve(sending).then(
          (response) => {
            const status = response.statusCode;
            if (status === undefined) onUndelivered(itemCount, 'not sent (queue full or rate limited)');
            else if (status >= 400) onUndelivered(itemCount, `HTTP ${status}`);
            return response;
          },
          (error: unknown) => {
            onUndelivered(itemCount, error instanceof Error ? error.message : String(error));
            throw error;
          },
        );
      },
      flush: (timeout) => inner.flush(timeout),
    };
  };
}

/**
 * Initialises Sentry 11 after OpenTelemetry: errors-only, linked to the active OTel
 * span, privacy defaults on. Returns undefined pipeline parts when Sentry is disabled
 * (no DSN), in which case nothing is sent to Sentry at all.
 */
export function initSentry(
  config: TracewireConfig,
  options: SentryOptions,
  reporter: ProblemReporter,
  onDroppedEvents: (count: number) => void,
): SentryPipeline {
  if (!config.sentry.dsn) {
    return { client: undefined, flush: async () => true, close: async () => true };
  }
  const includeLocalVariables = options.includeLocalVariables === true;
  const baseTransport = options.transport ?? Sentry.makeNodeTransport;
  const userIntegrationNames = new Set((options.integrations ?? []).map((integration) => integration.name));

  const client = Sentry.init({
    dsn: config.sentry.dsn,
    environment: config.environment,
    release: config.release,
    // Only OpenTelemetry samples. A Sentry sample rate would make Sentry record spans of
    // its own; `null` also stops Sentry reading SENTRY_TRACES_SAMPLE_RATE from the env.
    tracesSampleRate: null as unknown as undefined,
    enableOpenTelemetrySetup: false,
    enableRuntimeChannelInjection: false,
    defaultIntegrations: false,
    integrations: [
      ...tracewireIntegrations(includeLocalVariables).filter(
        (integration) => !userIntegrationNames.has(integration.name),
      ),
      ...(options.integrations ?? []),
    ],
    attachStacktrace: true,
    sendClientReports: true,
    includeLocalVariables,
    dataCollection: privacyDefaults(includeLocalVariables),
    ignoreErrors: options.ignoreErrors ?? [],
    transport: createObservedTransport(baseTransport, (count, reason) => {
      onDroppedEvents(count);
      reporter.report('TW_SENTRY_DELIVERY_FAILED', { reason: `${count} item(s) not accepted (${reason})` });
    }),
    transportOptions: { bufferSize: options.transportBufferSize ?? 1000 },
    beforeSend(event) {
      const scrubbed = scrubEvent(event);
      const traceId = scrubbed.contexts?.trace?.trace_id;
      if (typeof traceId === 'string') {
        // A tag makes the trace ID searchable in Sentry (`trace_id:<id>`).
        scrubbed.tags = { ...scrubbed.tags, trace_id: traceId };
        if (config.grafanaUrl) {
          scrubbed.contexts = {
            ...scrubbed.contexts,
            grafana: { trace_url: grafanaTraceUrl(config.grafanaUrl, traceId) },
          };
        }
      }
      return options.beforeSend ? options.beforeSend(scrubbed) : scrubbed;
    },
  });

  if (client) attachDynamicSamplingContext(client);

  return {
    client,
    flush: (timeoutMs) => Sentry.flush(timeoutMs),
    close: (timeoutMs) => Sentry.close(timeoutMs),
  };
}
