import { randomBytes } from 'node:crypto';
import { maskDsn } from '../../privacy/mask-secret-values.ts';
import { maskSecretsInText } from '../../privacy/mask-secrets-in-text.ts';
import { grafanaTraceUrl } from '../../sentry/grafana-trace-link.ts';
import { TRACEWIRE_VERSION } from '../../version.ts';
import { bodyExcerpt, describeConnectionFailure, retryAfterSeconds } from './connection-failures.ts';
import type { ProbeOutcome } from './doctor-network.ts';
import { type DoctorCheck, type DoctorContext, doctorLine } from './doctor-types.ts';
import { describeAddresses } from './describe-addresses.ts';

const DESTINATION = 'Sentry ingest';
const DSN_FIX =
  'Copy the DSN again from Sentry: Project Settings → Client Keys (DSN), and set it as SENTRY_DSN.';

/** The parts of a DSN a request is built from. */
export interface IngestTarget {
  /** `https://host[/prefix]`, without the key. */
  origin: string;
  hostname: string;
  publicKey: string;
  projectId: string;
  envelopeUrl: string;
}

/**
 * Where a DSN's envelopes go, as the Sentry SDK builds it: `<origin>[/prefix]/api/<project>/envelope/`.
 *
 * @example
 * ingestTarget('https://abc@o1.ingest.sentry.io/42').envelopeUrl; // 'https://o1.ingest.sentry.io/api/42/envelope/'
 */
export function ingestTarget(dsn: string): IngestTarget {
  const url = new URL(dsn);
  const segments = url.pathname.split('/').filter(Boolean);
  const projectId = segments.pop() ?? '';
  const prefix = segments.length > 0 ? `/${segments.join('/')}` : '';
  const origin = `${url.protocol}//${url.host}${prefix}`;
  return {
    origin,
    hostname: url.hostname,
    publicKey: decodeURIComponent(url.username),
    projectId,
    envelopeUrl: `${origin}/api/${projectId}/envelope/`,
  };
}

/**
 * The Sentry ingest checks: the DSN's host resolves, and an envelope that creates no
 * issue (an empty client report) is accepted. With `--send-test-event`, one real error
 * event follows.
 *
 * @example
 * const lines = await checkSentryIngest(context); // [] when no DSN is configured
 */
export async function checkSentryIngest(context: DoctorContext): Promise<DoctorCheck[]> {
  const dsn = context.config.sentry.dsn;
  if (dsn === undefined) {
    return context.sendTestEvent
      ? [
          {
            destination: DESTINATION,
            check: 'sentry.test-event',
            status: 'fail',
            message: 'not sent: SENTRY_DSN is not set, so Sentry is off.',
            fix: DSN_FIX,
          },
        ]
      : [];
  }
  const target = ingestTarget(dsn);
  const shown = maskDsn(dsn);
  const line = doctorLine(DESTINATION, shown);

  const checks: DoctorCheck[] = [];
  try {
    const addresses = await context.network.resolve(target.hostname, context.timeoutMs);
    checks.push(
      line('sentry.ingest.dns', 'pass', `${target.hostname} resolves to ${describeAddresses(addresses)}.`),
    );
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'ERROR';
    checks.push(
      line(
        'sentry.ingest.dns',
        'fail',
        code === 'ETIMEOUT'
          ? `${target.hostname} did not resolve within ${context.timeoutMs} ms.`
          : `${target.hostname} does not resolve (${code}).`,
        `Check the host in SENTRY_DSN. ${DSN_FIX}`,
      ),
    );
    if (context.sendTestEvent)
      checks.push(line('sentry.test-event', 'fail', 'not sent: the DSN host does not resolve.', DSN_FIX));
    return checks;
  }

  const accepted = await postEnvelope(context, target, clientReportEnvelope());
  checks.push(line('sentry.ingest.envelope', accepted.status, accepted.message, accepted.fix));
  if (!context.sendTestEvent) return checks;
  if (accepted.status === 'fail') {
    checks.push(line('sentry.test-event', 'fail', 'not sent: the ingest check above failed.', accepted.fix));
    return checks;
  }
  const event = testErrorEvent(context);
  const sent = await postEnvelope(context, target, event.envelope);
  if (sent.status === 'fail') {
    checks.push(
      line(
        'sentry.test-event',
        'fail',
        `test event ${event.eventId} was not accepted: ${sent.message}`,
        sent.fix,
      ),
    );
    return checks;
  }
  const link = context.config.grafanaUrl
    ? ` Trace in Grafana: ${maskSecretsInText(grafanaTraceUrl(context.config.grafanaUrl, event.traceId))}`
    : '';
  checks.push(
    line(
      'sentry.test-event',
      'pass',
      `test event ${event.eventId} accepted (trace ${event.traceId}); search Sentry for event.id:${event.eventId}.${link}`,
    ),
  );
  return checks;
}

interface Verdict {
  status: DoctorCheck['status'];
  message: string;
  fix?: string;
}

async function postEnvelope(context: DoctorContext, target: IngestTarget, body: string): Promise<Verdict> {
  const outcome = await context.network.request(target.envelopeUrl, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-sentry-envelope',
      'x-sentry-auth': `Sentry sentry_version=7, sentry_key=${target.publicKey}, sentry_client=tracewire-doctor/${TRACEWIRE_VERSION}`,
    },
    body,
    timeoutMs: context.timeoutMs,
  });
  return judgeIngestAnswer(outcome, new URL(target.envelopeUrl));
}

/**
 * What an ingest answer means for the user.
 *
 * @example
 * judgeIngestAnswer({ kind: 'response', status: 200, headers: {}, body: '{}' }, url).status; // 'pass'
 */
export function judgeIngestAnswer(outcome: ProbeOutcome, url: URL): Verdict {
  if (outcome.kind !== 'response') {
    const { message, fix } = describeConnectionFailure(outcome, url, 'Sentry');
    return { status: 'fail', message: `Sentry is unreachable: ${message}`, fix };
  }
  const detail = bodyExcerpt(outcome.body);
  const quoted = detail ? ` ("${detail}")` : '';
  const { status } = outcome;
  if (status >= 200 && status < 300) {
    return { status: 'pass', message: `an envelope that creates no issue was accepted (${status}).` };
  }
  if (status === 401 || status === 403 || status === 404) {
    const cause = status === 404 ? 'no project at this path' : 'the key or project was rejected';
    return {
      status: 'fail',
      message: `wrong key or project: Sentry answered ${status}${quoted}, ${cause}.`,
      fix: `${DSN_FIX} The key must belong to the project whose ID ends the DSN, and the key must be enabled.`,
    };
  }
  if (status === 429) {
    const reset = rateLimitReset(outcome.headers);
    return {
      status: 'fail',
      message: `rate limited: Sentry answered 429${reset === undefined ? '' : ` and accepts events again in ${reset} s`}; events sent until then are dropped.`,
      fix: "Raise the project's or organization's quota (Settings → Subscription / Spike Protection), or lower what is sent (SENTRY_TRACE_SAMPLE_RATE, ignored errors).",
    };
  }
  if (status === 413) {
    return {
      status: 'fail',
      message: `Sentry answered 413${quoted}: the envelope is too large.`,
      fix: 'Check a proxy in front of Sentry for a body size limit.',
    };
  }
  if (status >= 500) {
    return {
      status: 'fail',
      message: `Sentry answered ${status}${quoted}: the server (or a proxy in front of it) failed.`,
      fix: "For self-hosted Sentry, check the relay, nginx and web containers' logs; for sentry.io, status.sentry.io.",
    };
  }
  return {
    status: 'fail',
    message: `Sentry answered ${status}${quoted}.`,
    fix: `Check that SENTRY_DSN points at Sentry itself, not at a proxy that rewrites the path. ${DSN_FIX}`,
  };
}

/**
 * Seconds until a rate limit resets: `X-Sentry-Rate-Limits` first (the longest limit it
 * names, as the SDK reads it), then `Retry-After`.
 *
 * @example
 * rateLimitReset({ 'x-sentry-rate-limits': '60:error:organization, 10::key' }); // 60
 */
export function rateLimitReset(headers: Record<string, string>): number | undefined {
  const limits = headers['x-sentry-rate-limits'];
  if (limits) {
    const seconds = limits
      .split(',')
      .map((limit) => Number.parseInt(limit.trim().split(':')[0] ?? '', 10))
      .filter((value) => Number.isFinite(value));
    if (seconds.length > 0) return Math.max(...seconds);
  }
  return retryAfterSeconds(headers['retry-after']);
}

/** An envelope that is accepted and counted but creates no issue: an empty client report. */
function clientReportEnvelope(): string {
  const now = new Date();
  return [
    JSON.stringify({ sent_at: now.toISOString() }),
    JSON.stringify({ type: 'client_report' }),
    JSON.stringify({ timestamp: now.getTime() / 1000, discarded_events: [] }),
  ].join('\n');
}

/** One real error event, the guide's "trigger a test error", with a fresh trace ID. */
function testErrorEvent(context: DoctorContext): { eventId: string; traceId: string; envelope: string } {
  const eventId = randomBytes(16).toString('hex');
  const traceId = randomBytes(16).toString('hex');
  const now = new Date();
  const { config } = context;
  const event = {
    event_id: eventId,
    timestamp: now.getTime() / 1000,
    platform: 'node',
    level: 'error',
    logger: 'tracewire.doctor',
    environment: config.environment,
    ...(config.release ? { release: config.release } : {}),
    exception: {
      values: [
        {
          type: 'Error',
          value: "tracewire doctor test error: Sentry receives this service's errors",
          mechanism: { type: 'tracewire.doctor', handled: true },
        },
      ],
    },
    tags: { 'tracewire.doctor': 'true', trace_id: traceId, service: config.serviceName },
    contexts: {
      trace: { trace_id: traceId, span_id: randomBytes(8).toString('hex') },
      ...(config.grafanaUrl ? { grafana: { trace_url: grafanaTraceUrl(config.grafanaUrl, traceId) } } : {}),
    },
    sdk: { name: 'tracewire.doctor', version: TRACEWIRE_VERSION },
  };
  const envelope = [
    JSON.stringify({ event_id: eventId, sent_at: now.toISOString() }),
    JSON.stringify({ type: 'event' }),
    JSON.stringify(event),
  ].join('\n');
  return { eventId, traceId, envelope };
}
