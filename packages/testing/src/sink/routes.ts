// Which receiver a request path belongs to. Paths are matched with and without a trailing
// slash: `Sentry.getOtlpTracesEndpoint()` ends its URL with one, OTel exporters do not.
import type { OtlpSignal } from '../otlp/otlp-types.ts';

export type Route =
  | { receiver: 'sentry'; endpoint: 'envelope' | 'store'; projectId: string }
  | { receiver: 'sentry'; endpoint: OtlpSignal; projectId: string }
  | { receiver: 'otlp'; endpoint: OtlpSignal };

const SENTRY_INGEST = /^\/api\/([^/]+)\/(envelope|store)\/?$/;
const SENTRY_OTLP = /^\/api\/([^/]+)\/integration\/otlp\/v1\/(traces|metrics|logs)\/?$/;
const OTLP = /^\/v1\/(traces|metrics|logs)\/?$/;

export function matchRoute(pathname: string): Route | undefined {
  const otlp = OTLP.exec(pathname);
  if (otlp) return { receiver: 'otlp', endpoint: otlp[1] as OtlpSignal };
  const ingest = SENTRY_INGEST.exec(pathname);
  if (ingest) {
    return {
      receiver: 'sentry',
      endpoint: ingest[2] as 'envelope' | 'store',
      projectId: decodeURIComponent(ingest[1]!),
    };
  }
  const sentryOtlp = SENTRY_OTLP.exec(pathname);
  if (sentryOtlp) {
    return {
      receiver: 'sentry',
      endpoint: sentryOtlp[2] as OtlpSignal,
      projectId: decodeURIComponent(sentryOtlp[1]!),
    };
  }
  return undefined;
}
