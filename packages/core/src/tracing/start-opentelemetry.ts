import type { IncomingMessage } from 'node:http';
import type { RequestOptions } from 'node:http';
import { context, diag, propagation, type TextMapPropagator, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { RuntimeNodeInstrumentation } from '@opentelemetry/instrumentation-runtime-node';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import type { Resource } from '@opentelemetry/resources';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import {
  BatchSpanProcessor,
  type SpanExporter,
  type SpanProcessor,
  TracerProvider,
} from '@opentelemetry/sdk-trace';
import type { TracewireConfig } from '../config/types.ts';
import { TRACEWIRE_VERSION } from '../version.ts';
import { type Pipeline, remainingMs } from '../init/pipeline.ts';
import { SECRET_KEYS, SECRET_QUERY_ONLY_KEYS } from '../privacy/secret-keys.ts';
import { createSpanPrivacyProcessor } from '../privacy/span-privacy-processor.ts';
import { redactQueryString } from '../sentry/privacy.ts';
import { loadSentrySdk } from '../sentry/sentry-sdk.ts';
import { CountingSpanExporter, type DroppedSpansListener } from './counting-span-exporter.ts';
import { FanOutSpanExporter } from './fan-out-span-exporter.ts';
import {
  type DatabaseInstrumentationStatus,
  loadDatabaseInstrumentations,
} from './load-database-instrumentations.ts';
import { createOtlpSpanExporter } from './otlp-span-exporter.ts';
import { type InvalidHeaderListener, ReportingPropagator } from './reporting-propagator.ts';
import { TracewireSampler } from './sampler.ts';
import { dynamicSamplingSettingsFor, SentryBaggagePropagator } from './sentry-baggage-propagator.ts';
import { SentryTracePropagator } from './sentry-trace-propagator.ts';
import { PresetIdGenerator, ServerSpans } from './server-spans.ts';
import type { TelemetryRequestMatcher } from './telemetry-endpoints.ts';

export interface OpenTelemetryOptions {
  config: TracewireConfig;
  /** Tracing is off (invalid tracing config): no span processors, no sampler decisions exported. */
  tracingEnabled: boolean;
  isIgnoredPath: (path: string) => boolean;
  telemetryRequests: TelemetryRequestMatcher;
  /** The resource every span carries (shared with the metrics pipeline). */
  resource: Resource;
  /** The metrics pipeline's provider, for the instrumentations' metrics; absent when metrics are off. */
  meterProvider: MeterProvider | undefined;
  /** Requests to the Prometheus scrape endpoint are never traced. */
  isScrapeRequest: (localPort: number | undefined) => boolean;
  instrumentations: Instrumentation[];
  /** Where the app's database clients are resolved from, besides the main module's directory. Default: the working directory. */
  appDirectory?: string | undefined;
  onDroppedSpans: DroppedSpansListener;
  /** A present but unusable incoming trace header. */
  onInvalidHeader: InvalidHeaderListener;
}

/** The tracing pipeline: OpenTelemetry's tracer provider, propagators and instrumentations. */
export interface OpenTelemetryPipeline extends Pipeline<{ enabled: boolean; destinations: string[] }> {
  /** Where spans go: `otlp`, `sentry`. Empty when spans are created for correlation only. */
  spanDestinations: string[];
  instrumentationNames: string[];
  /** Each database instrumentation and why it is on or off. */
  databaseInstrumentations: DatabaseInstrumentationStatus[];
  /** Starts request server spans of new traces cheaply; undefined when another tracer provider is the global one. */
  serverSpans: ServerSpans | undefined;
}

/**
 * The http instrumentation's own query redaction, a first pass with the privacy module's
 * names; `createSpanPrivacyProcessor()` then applies the full rule to every span.
 */
export const REDACTED_QUERY_PARAMETERS: string[] = [...SECRET_KEYS, ...SECRET_QUERY_ONLY_KEYS];

/**
 * Starts OpenTelemetry's tracer and meter providers with everything set explicitly, so
 * no `OTEL_*` variable is read behind tracewire's validated config: sampler, propagators, span
 * processors (OTLP and Sentry's OTLP endpoint), metric readers and a deliberately
 * small set of instrumentations (http, undici, runtime metrics).
 *
 * Spans are created even with no exporter configured: their IDs are what correlates
 * logs and Sentry events.
 */
export function startOpenTelemetry(options: OpenTelemetryOptions): OpenTelemetryPipeline {
  const { config } = options;
  const spanProcessors: SpanProcessor[] = [createSpanPrivacyProcessor()];
  const spanDestinations: string[] = [];
  const exporters: SpanExporter[] = [];

  if (options.tracingEnabled && config.otlp.tracesEndpoint) {
    const exporter = createOtlpSpanExporter({
      url: config.otlp.tracesEndpoint,
      headers: config.otlp.headers,
      protocol: config.otlp.protocol,
    });
    exporters.push(new CountingSpanExporter(exporter, 'otlp', options.onDroppedSpans));
    spanDestinations.push('otlp');
  }
  if (options.tracingEnabled && config.sentry.dsn && config.sentry.traces) {
    const sentryEndpoint = loadSentrySdk().node.getOtlpTracesEndpoint(config.sentry.dsn);
    if (sentryEndpoint) {
      // Sentry gets only its own auth header, never the OTLP headers meant for Tempo.
      const exporter = createOtlpSpanExporter({
        url: sentryEndpoint.url,
        headers: sentryEndpoint.headers,
        protocol: 'http/protobuf',
      });
      exporters.push(new CountingSpanExporter(exporter, 'sentry', options.onDroppedSpans));
      spanDestinations.push('sentry');
    }
  }
  if (exporters.length > 0) {
    const exporter =
      exporters.length === 1 ? (exporters[0] as SpanExporter) : new FanOutSpanExporter(exporters);
    spanProcessors.push(new BatchSpanProcessor({ exporter }));
  }
  // With no processor spans are still created: their IDs correlate logs and Sentry events.

  const instrumentations: Instrumentation[] = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request: IncomingMessage) =>
        options.isIgnoredPath(request.url ?? '/') || options.isScrapeRequest(request.socket?.localPort),
      ignoreOutgoingRequestHook: (request: RequestOptions) =>
        options.telemetryRequests.matches(
          request.hostname ?? request.host ?? undefined,
          request.port ?? undefined,
          request.path ?? undefined,
        ),
      redactedQueryParams: REDACTED_QUERY_PARAMETERS,
      redactedQueryParamsServer: REDACTED_QUERY_PARAMETERS,
    }),
    new UndiciInstrumentation({
      ignoreRequestHook: (request) => options.telemetryRequests.matchesOrigin(request.origin, request.path),
      // The undici instrumentation has no query redaction of its own: secret query
      // values (`?token=`) would reach Tempo and Sentry in `url.full`.
      startSpanHook: (request) => {
        if (!request.path.includes('?')) return {};
        try {
          const url = new URL(redactQueryString(request.path), request.origin);
          return { 'url.full': url.toString(), 'url.query': url.search };
        } catch {
          return {};
        }
      },
    }) as unknown as Instrumentation,
  ];
  if (options.meterProvider) {
    instrumentations.push(new RuntimeNodeInstrumentation() as unknown as Instrumentation);
  }
  // Loaded only for the database clients the app can resolve; the app's own
  // instrumentations are added on top.
  const database = loadDatabaseInstrumentations({
    selected: config.instrumentationSet,
    statements: config.dbStatements,
    appDirectory: options.appDirectory,
  });
  instrumentations.push(...database.instrumentations, ...options.instrumentations);

  const sampleRate = options.tracingEnabled ? config.sampleRate : 0;
  const propagator: TextMapPropagator = new CompositePropagator({
    // Later propagators win: a `traceparent` takes precedence over `sentry-trace`.
    propagators: [
      new ReportingPropagator(
        new SentryTracePropagator(),
        'sentry-trace',
        'a Sentry trace header (<32 hex>-<16 hex>[-0|1])',
        options.onInvalidHeader,
      ),
      new ReportingPropagator(
        new W3CTraceContextPropagator(),
        'traceparent',
        'a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)',
        options.onInvalidHeader,
      ),
      // Writes `baggage` alone (W3C members plus Sentry's sampling context), so it
      // replaces OpenTelemetry's W3C baggage propagator rather than joining it.
      new SentryBaggagePropagator(
        dynamicSamplingSettingsFor(config.sentry.dsn, {
          environment: config.environment,
          release: config.release,
          sampleRate,
        }),
      ),
    ],
  });

  // The SDK's parts are wired here rather than through @opentelemetry/sdk-node: NodeSDK
  // loads every exporter it might build from the environment (gRPC, logs, Zipkin) and a
  // YAML configuration parser at startup, none of which tracewire uses.
  const { resource, meterProvider } = options;
  const contextManager = new AsyncLocalStorageContextManager().enable();
  const contextRegistered = context.setGlobalContextManager(contextManager);
  const propagatorRegistered = propagation.setGlobalPropagator(propagator);
  const sampler = new TracewireSampler(sampleRate, options.isIgnoredPath);
  const idGenerator = new PresetIdGenerator();
  const tracerProvider = new TracerProvider({
    resource,
    sampler,
    idGenerator,
    spanProcessors,
    spanLimits: { attributeValueLengthLimit: 4096 },
  });
  const tracerRegistered = trace.setGlobalTracerProvider(tracerProvider);
  // The shortcut reads the propagators' fields and the parent context itself: only when
  // the global API runs on these very parts.
  const serverSpans =
    contextRegistered && propagatorRegistered && tracerRegistered
      ? new ServerSpans(
          tracerProvider.getTracer('@tracewire/core', TRACEWIRE_VERSION),
          sampler,
          idGenerator,
          propagator.fields(),
        )
      : undefined;
  const unregisterInstrumentations = registerInstrumentations({
    instrumentations,
    tracerProvider,
    meterProvider,
  });
  database.patchAlreadyLoaded();

  return {
    name: 'tracing',
    status: { enabled: options.tracingEnabled, destinations: spanDestinations },
    spanDestinations,
    instrumentationNames: instrumentations.map((instrumentation) => instrumentation.instrumentationName),
    databaseInstrumentations: database.statuses,
    serverSpans,
    async flush(deadline) {
      try {
        await tracerProvider.forceFlush({ timeoutMillis: remainingMs(deadline) });
        return true;
      } catch (error) {
        // A flush's failed export rejects here instead of reaching OpenTelemetry's
        // error handler; `diag` takes it to the same rate-limited report.
        diag.error('Span export failed', error);
        return false;
      }
    },
    async shutdown() {
      serverSpans?.stop();
      try {
        await tracerProvider.shutdown();
      } catch (error) {
        diag.error('Span export failed', error);
      }
      // The API keeps global providers and patches after shutdown; releasing them lets a
      // later init in the same process (tests, hot reload) start clean.
      unregisterInstrumentations();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}
