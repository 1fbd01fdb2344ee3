import { context } from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import type {
  Envelope,
  ErrorEvent,
  Integration,
  Transport,
  TransportMakeRequestResponse,
} from '@sentry/core';
import type { NodeClient, NodeOptions } from '@sentry/node';
import type { TracewireConfig } from '../config/types.ts';
import type { ProblemReporter } from '../diagnostics/rate-limited-reporter.ts';
import { type Pipeline, remainingMs } from '../init/pipeline.ts';
import { attachDynamicSamplingContext } from './dynamic-sampling-context.ts';
import { grafanaTraceUrl } from './grafana-trace-link.ts';
import { privacyDefaults, scrubEvent } from './privacy.ts';
import { createRepeatInTraceFilter } from './repeat-in-trace.ts';
import { loadSentrySdk, type SentrySdk } from './sentry-sdk.ts';

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
  transport?: NodeOptions['transport'];
  /** How many envelopes may wait for delivery. Sentry's own default, 64, loses events in bursts. */
  transportBufferSize?: number;
}

/** The Sentry pipeline: errors only, linked to the active OpenTelemetry span. */
export interface SentryPipeline extends Pipeline<{ enabled: boolean }> {
  client: NodeClient | undefined;
}

export interface InitSentryInput {
  config: TracewireConfig;
  options: SentryOptions;
  /** False when Sentry's configuration is invalid: nothing is sent to Sentry. */
  enabled: boolean;
  reporter: ProblemReporter;
  onDroppedEvents: (count: number) => void;
}

/**
 * Sentry integrations tracewire runs. None of them starts spans or propagates its own
 * trace (OpenTelemetry owns tracing); `openTelemetryIntegration` stamps every event
 * with the active OpenTelemetry span's trace and span ID. Sentry's Http, NodeFetch,
 * Express, Fastify and Koa integrations are left out: they wrap every request, start
 * non-recording spans of their own, and (Fastify) give errors a different trace ID.
 *
 * Also left out: Dedupe, which drops an event identical to the previous one of the
 * whole process, so identical failures of different requests became one event (a
 * per-trace filter in `beforeSend` replaces it), and OnUncaughtException /
 * OnUnhandledRejection, whose listeners change how the process ends (an unhandled
 * rejection no longer exits, a crash exits through `process.exit` with Sentry's own
 * output); tracewire's crash handlers report, flush and then let Node end the process.
 */
function tracewireIntegrations(Sentry: SentrySdk['node'], includeLocalVariables: boolean): Integration[] {
  return [
    Sentry.openTelemetryIntegration(),
    Sentry.eventFiltersIntegration(),
    Sentry.functionToStringIntegration(),
    Sentry.linkedErrorsIntegration(),
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
  makeTransport: NonNullable<NodeOptions['transport']>,
  onUndelivered: (itemCount: number, reason: string) => void,
): NonNullable<NodeOptions['transport']> {
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
 * span, privacy defaults on. With no DSN, or Sentry switched off, the pipeline does
 * nothing, nothing is sent to Sentry at all, and Sentry's SDK is not even loaded.
 */
export function initSentry({
  config,
  options,
  enabled,
  reporter,
  onDroppedEvents,
}: InitSentryInput): SentryPipeline {
  if (!enabled || !config.sentry.dsn) {
    return {
      name: 'sentry',
      status: { enabled: false },
      client: undefined,
      flush: async () => true,
      shutdown: async () => {},
    };
  }
  const { node: Sentry } = loadSentrySdk();
  const isRepeatInTrace = createRepeatInTraceFilter();
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
      ...tracewireIntegrations(Sentry, includeLocalVariables).filter(
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
      if (isRepeatInTrace(event)) return null;
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
    name: 'sentry',
    status: { enabled: true },
    client,
    flush: (deadline) => Sentry.flush(remainingMs(deadline)),
    shutdown: async (deadline) => {
      await Sentry.close(remainingMs(deadline));
    },
  };
}
