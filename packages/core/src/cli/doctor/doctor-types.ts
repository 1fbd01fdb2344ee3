import type { TracewireConfig } from '../../config/types.ts';
import type { DoctorNetwork } from './doctor-network.ts';

/**
 * How one check came out: `fail` makes `tracewire doctor` exit 1, `warn` does not.
 *
 * @example
 * const status: DoctorStatus = 'warn';
 */
export type DoctorStatus = 'pass' | 'warn' | 'fail';

/**
 * One line of the doctor's report. Every text field is already masked: nothing here may
 * hold a DSN key, a token or a header value.
 *
 * @example
 * const line: DoctorCheck = {
 *   destination: 'OTLP traces',
 *   target: 'http://collector:4318/v1/traces',
 *   check: 'otlp.traces.export',
 *   status: 'fail',
 *   message: 'answered 404 for /v1/traces/v1/traces: the signal path is in the URL twice.',
 *   fix: 'Set OTEL_EXPORTER_OTLP_ENDPOINT to the base URL (http://collector:4318).',
 * };
 */
export interface DoctorCheck {
  /** The group the line is printed under: `Configuration`, `Sentry ingest`, `OTLP traces`, … */
  destination: string;
  /** The endpoint checked, masked; undefined for checks that contact nothing. */
  target?: string;
  /** A stable identifier for machines (`sentry.ingest.envelope`). */
  check: string;
  status: DoctorStatus;
  message: string;
  /** What to change; absent on passing lines. */
  fix?: string;
}

/**
 * What every check family receives.
 *
 * @example
 * const checks = await checkOtlpEndpoints(context);
 */
export interface DoctorContext {
  config: TracewireConfig;
  env: Readonly<Record<string, string | undefined>>;
  network: DoctorNetwork;
  /** Upper bound for each network operation, in ms. */
  timeoutMs: number;
  sendTestEvent: boolean;
}

/** Builds the report lines of one destination and target. */
export type DoctorLine = (check: string, status: DoctorStatus, message: string, fix?: string) => DoctorCheck;

/**
 * The line builder a check family uses for one destination: every line it returns names
 * the same destination and masked target.
 *
 * @example
 * const line = doctorLine('Sentry API', 'http://sentry.railway.internal:9000');
 * line('sentry.api.token', 'pass', 'the token is valid.');
 */
export function doctorLine(destination: string, target: string | undefined): DoctorLine {
  return (check, status, message, fix) => ({
    destination,
    ...(target === undefined ? {} : { target }),
    check,
    status,
    message,
    ...(fix ? { fix } : {}),
  });
}
