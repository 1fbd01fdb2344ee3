import { maskSecretsInText } from '../../privacy/mask-secrets-in-text.ts';
import { OTLP_SIGNALS } from '../../config/otlp-endpoints.ts';
import type { OtlpProtocol } from '../../config/types.ts';
import { bodyExcerpt, describeConnectionFailure, retryAfterSeconds } from './connection-failures.ts';
import type { ProbeOutcome } from './doctor-network.ts';
import type { DoctorCheck, DoctorContext } from './doctor-types.ts';

type Signal = 'traces' | 'metrics' | 'logs';

/** What one OTLP endpoint is probed with and reported as. */
export interface OtlpProbeTarget {
  destination: string;
  check: string;
  signal: Signal;
  url: string;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
  /** The variable the URL came from, to name in a fix. */
  variable: string;
}

const SIGNAL_PATHS: Record<Signal, string> = { traces: 'v1/traces', metrics: 'v1/metrics', logs: 'v1/logs' };
const SIGNAL_SEGMENTS = /\/v1\/(?:traces|metrics|logs)(?=\/|$)/g;

/**
 * The OTLP endpoints tracewire will export to with this configuration: traces and
 * metrics only while the SDK is enabled (metrics only in `otlp` mode), logs whenever an
 * endpoint is set, and Sentry's OTLP traces endpoint when spans also go to Sentry.
 *
 * @example
 * (await otlpTargets(context)).map((target) => target.signal); // ['traces', 'metrics', 'logs']
 */
export async function otlpTargets(context: DoctorContext): Promise<OtlpProbeTarget[]> {
  const { config } = context;
  const targets: OtlpProbeTarget[] = [];
  for (const signal of OTLP_SIGNALS) {
    const name = signal.path.slice(3) as Signal;
    const url = config.otlp[`${name}Endpoint`];
    if (url === undefined) continue;
    if (name !== 'logs' && config.sdkDisabled) continue;
    if (name === 'metrics' && config.metrics.mode !== 'otlp') continue;
    const source = config.sources[signal.field] ?? '';
    targets.push({
      destination: `OTLP ${name}`,
      check: `otlp.${name}.export`,
      signal: name,
      url,
      protocol: config.otlp.protocol,
      headers: { ...config.otlp.headers },
      variable: source.startsWith('env:')
        ? source.slice(4)
        : source === 'code'
          ? 'options.otlpEndpoint'
          : signal.variable,
    });
  }
  if (config.sentry.dsn && config.sentry.traces && !config.sdkDisabled) {
    // The same function the tracing pipeline calls, so the probe goes where spans go.
    const { getOtlpTracesEndpoint } = await import('@sentry/node');
    const endpoint = getOtlpTracesEndpoint(config.sentry.dsn);
    if (endpoint) {
      targets.push({
        destination: 'Sentry OTLP traces',
        check: 'sentry.otlp.traces.export',
        signal: 'traces',
        url: endpoint.url,
        protocol: 'http/protobuf',
        headers: { ...endpoint.headers },
        variable: 'SENTRY_DSN',
      });
    }
  }
  return targets;
}

/**
 * Sends each OTLP endpoint an empty export request for its signal and protocol, which
 * every OTLP receiver accepts and which records nothing, and explains the answer.
 *
 * @example
 * const lines = await checkOtlpEndpoints(context, await otlpTargets(context));
 */
export function checkOtlpEndpoints(
  context: DoctorContext,
  targets: readonly OtlpProbeTarget[],
): Promise<DoctorCheck[]> {
  return Promise.all(targets.map((target) => checkOtlpTarget(context, target)));
}

async function checkOtlpTarget(context: DoctorContext, target: OtlpProbeTarget): Promise<DoctorCheck> {
  const shown = maskSecretsInText(target.url);
  const base = {
    destination: target.destination,
    target: `${shown} (${target.protocol})`,
    check: target.check,
  };
  const shape = misplacedEndpoint(target);
  if (shape) return { ...base, status: 'fail', ...shape };
  // An empty ExportXServiceRequest is zero bytes of protobuf, and `{}` in JSON.
  const json = target.protocol === 'http/json';
  const outcome = await context.network.request(target.url, {
    method: 'POST',
    headers: { ...target.headers, 'content-type': json ? 'application/json' : 'application/x-protobuf' },
    body: json ? '{}' : '',
    timeoutMs: context.timeoutMs,
  });
  return { ...base, ...judgeOtlpAnswer(target, outcome) };
}

/** URLs that are wrong whatever they answer: another API that happens to accept a POST. */
function misplacedEndpoint(target: OtlpProbeTarget): { message: string; fix: string } | undefined {
  const url = new URL(target.url);
  if (target.signal === 'logs' && /\/loki\/api\/v1\/push\/?$/.test(url.pathname)) {
    return {
      message: "this is Loki's own push API, which does not take OTLP.",
      fix: `Loki 3 takes OTLP at /otlp/v1/logs: set ${target.variable} to ${url.protocol}//${url.host}/otlp/v1/logs (or OTEL_EXPORTER_OTLP_LOGS_ENDPOINT).`,
    };
  }
  if (target.signal === 'metrics' && /\/api\/v1\/write\/?$/.test(url.pathname)) {
    return {
      message: "this is Prometheus's remote-write API, which does not take OTLP.",
      fix: `Prometheus takes OTLP at /api/v1/otlp/v1/metrics (started with --web.enable-otlp-receiver): set OTEL_EXPORTER_OTLP_METRICS_ENDPOINT to ${url.protocol}//${url.host}/api/v1/otlp/v1/metrics.`,
    };
  }
  return undefined;
}

/**
 * What an OTLP receiver's answer to an empty export means: accepted, or one of the
 * common mistakes (doubled path, query API, Prometheus without its OTLP receiver, wrong
 * protocol, missing credentials, rate limit) with its fix.
 *
 * @example
 * judgeOtlpAnswer(target, { kind: 'response', status: 404, headers: {}, body: '' }).message;
 */
export function judgeOtlpAnswer(
  target: OtlpProbeTarget,
  outcome: ProbeOutcome,
): Pick<DoctorCheck, 'status' | 'message' | 'fix'> {
  const url = new URL(target.url);
  if (outcome.kind !== 'response') {
    const diagnosis = describeConnectionFailure(outcome, url, 'the OTLP receiver');
    return { status: 'fail', message: `not reachable: ${diagnosis.message}`, fix: diagnosis.fix };
  }
  const { status } = outcome;
  const detail = bodyExcerpt(outcome.body);
  const quoted = detail ? ` ("${detail}")` : '';
  const signalPath = SIGNAL_PATHS[target.signal];
  const doubled = (url.pathname.match(SIGNAL_SEGMENTS) ?? []).length > 1;
  if (status >= 200 && status < 300) {
    return doubled
      ? {
          status: 'warn',
          message: `accepted (${status}), but the path is doubled (${url.pathname}).`,
          fix: doubledPathFix(target, url),
        }
      : { status: 'pass', message: `accepted an empty ${target.signal} export (${status}).` };
  }
  if (status === 404 || status === 405) {
    if (doubled) {
      return {
        status: 'fail',
        message: `answered ${status} for ${url.pathname}: the path is doubled (a signal path inside the base URL).`,
        fix: doubledPathFix(target, url),
      };
    }
    if (
      /otlp write receiver|otlp-write-receiver|enable-otlp-receiver/i.test(outcome.body) ||
      url.pathname.startsWith('/api/v1/otlp/')
    ) {
      return {
        status: 'fail',
        message: `Prometheus answered ${status}${quoted}: its OTLP receiver is off (or this Prometheus is older than 2.47 and has none).`,
        fix: 'Start Prometheus with --web.enable-otlp-receiver (Prometheus 3; 2.47 to 2.55: --enable-feature=otlp-write-receiver), and send metrics to /api/v1/otlp/v1/metrics.',
      };
    }
    if (url.port === '3200') {
      return {
        status: 'fail',
        message: `answered ${status}: port 3200 is Tempo's query API, not its ingest.`,
        fix: `Tempo takes OTLP/HTTP on port 4318: set ${target.variable} to ${url.protocol}//${url.hostname}:4318.`,
      };
    }
    if (url.port === '3100' && target.signal === 'logs' && !url.pathname.startsWith('/otlp/')) {
      return {
        status: 'fail',
        message: `answered ${status}: Loki takes OTLP logs at /otlp/v1/logs, not ${url.pathname}.`,
        fix: `Set OTEL_EXPORTER_OTLP_LOGS_ENDPOINT to ${url.protocol}//${url.host}/otlp/v1/logs.`,
      };
    }
    if (url.port === '9090' || url.port === '9009') {
      return {
        status: 'fail',
        message: `answered ${status}${quoted}: this looks like a Prometheus or Mimir query port, which has no OTLP ${target.signal} at ${url.pathname}.`,
        fix: 'Send traces and logs to a collector or Tempo/Loki; Prometheus takes only metrics, at /api/v1/otlp/v1/metrics.',
      };
    }
    return {
      status: 'fail',
      message: `answered ${status}${quoted}: no OTLP ${target.signal} receiver at ${url.pathname}.`,
      fix: `Point ${target.variable} at an OTLP/HTTP receiver: a collector or Tempo take /${signalPath} on port 4318; a base URL in OTEL_EXPORTER_OTLP_ENDPOINT gets /${signalPath} appended.`,
    };
  }
  if (status === 415 || (status === 400 && /content.?type|unsupported|json|proto/i.test(detail ?? ''))) {
    const other = target.protocol === 'http/json' ? 'http/protobuf' : 'http/json';
    return {
      status: 'fail',
      message: `answered ${status}${quoted}: the receiver does not take ${target.protocol}.`,
      fix: `Set OTEL_EXPORTER_OTLP_PROTOCOL=${other}, or enable ${target.protocol} on the receiver.`,
    };
  }
  if (status === 401 || status === 403) {
    const names = Object.keys(target.headers);
    return {
      status: 'fail',
      message: `answered ${status}${quoted}: the receiver wants credentials ${names.length === 0 ? 'and none are sent' : `it did not accept (headers sent: ${names.join(', ')})`}.`,
      fix:
        target.variable === 'SENTRY_DSN'
          ? 'Check the key in SENTRY_DSN (Project Settings → Client Keys).'
          : 'Set the credentials the backend expects in OTEL_EXPORTER_OTLP_HEADERS, e.g. authorization=Basic%20<base64 of user:token>.',
    };
  }
  if (status === 429) {
    const reset = retryAfterSeconds(outcome.headers['retry-after']);
    return {
      status: 'fail',
      message: `rate limited: answered 429${reset === undefined ? '' : `, retry after ${reset} s`}; exports are retried for about 10 s and then dropped.`,
      fix: "Raise the backend's ingestion limits, or lower SENTRY_TRACE_SAMPLE_RATE.",
    };
  }
  if (status >= 500) {
    return {
      status: 'fail',
      message: `answered ${status}${quoted}: the receiver failed.`,
      fix: "Check the receiver's own logs; the exporter retries 502, 503 and 504 for about 10 s, then drops the batch.",
    };
  }
  return {
    status: 'fail',
    message: `answered ${status}${quoted} to an empty ${target.signal} export.`,
    fix: `Check that ${target.variable} points at an OTLP/HTTP ${target.signal} endpoint.`,
  };
}

function doubledPathFix(target: OtlpProbeTarget, url: URL): string {
  const signalPath = SIGNAL_PATHS[target.signal];
  const base = url.pathname.slice(0, url.pathname.search(SIGNAL_SEGMENTS));
  const origin = `${url.protocol}//${url.host}${base}`;
  return target.variable === 'OTEL_EXPORTER_OTLP_ENDPOINT' || target.variable === 'options.otlpEndpoint'
    ? `${target.variable} is a base URL and gets /${signalPath} appended: set it to ${origin}.`
    : `Set ${target.variable} to the full URL once: ${origin}/${signalPath}.`;
}
