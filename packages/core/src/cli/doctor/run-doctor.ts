import { loadConfig } from '../../config/load-config.ts';
import { parseKeyValueList } from '../../config/parse-key-value-list.ts';
import type { EnvSource } from '../../config/read-env.ts';
import { readEnvValue } from '../../config/read-env.ts';
import type { TracewireConfig } from '../../config/types.ts';
import { createSecretScrubber, type SecretScrubber } from '../../privacy/create-secret-scrubber.ts';
import { createDoctorNetwork, type DoctorNetwork } from './doctor-network.ts';
import type { DoctorCheck, DoctorContext } from './doctor-types.ts';
import { checkOtlpEndpoints, otlpTargets } from './otlp-checks.ts';
import { checkPlatform } from './platform-checks.ts';
import { checkPrometheusPort } from './prometheus-checks.ts';
import { renderDoctorJson, renderDoctorText } from './render-doctor-report.ts';
import { checkSentryApi } from './sentry-api-checks.ts';
import { checkSentryIngest } from './sentry-ingest-checks.ts';

/** The default bound on each network operation. */
export const DEFAULT_DOCTOR_TIMEOUT_MS = 5000;

/** Exit codes: 0 every check passed (warnings allowed), 1 a check failed, 2 the doctor could not run. */
export const DOCTOR_EXIT_PASSED = 0;
export const DOCTOR_EXIT_FAILED = 1;
export const DOCTOR_EXIT_COULD_NOT_RUN = 2;

/** What `tracewire doctor` was asked to do. */
export interface DoctorRunOptions {
  env: EnvSource;
  cwd: string;
  timeoutMs: number;
  json: boolean;
  sendTestEvent: boolean;
  /** Where every connection and lookup goes through; tests inject a resolver here. */
  network?: DoctorNetwork;
  stdout(text: string): void;
  stderr(text: string): void;
}

/**
 * Runs `tracewire doctor`: `check` first, then every configured destination's checks in
 * parallel, each network operation bounded by `timeoutMs`. Prints one line per check,
 * grouped by destination (or JSON), with every secret from the environment masked, and
 * returns the exit code. Only the configured endpoints are contacted.
 *
 * @example
 * const code = await runDoctor({ env: process.env, cwd: process.cwd(), timeoutMs: 5000, json: false,
 *   sendTestEvent: false, stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) });
 */
export async function runDoctor(options: DoctorRunOptions): Promise<number> {
  const scrub = scrubberFor(options.env, undefined);
  try {
    const result = loadConfig({ env: options.env, cwd: options.cwd });
    const checks: DoctorCheck[] = [];
    if (!result.ok) {
      for (const issue of result.issues) {
        checks.push({
          destination: 'Configuration',
          check: `config.${issue.code}`,
          status: 'fail',
          message: `${issue.variable}: received ${issue.received}, expected ${issue.expected}.`,
          fix: issue.hint,
        });
      }
    } else {
      const { config } = result;
      checks.push({
        destination: 'Configuration',
        check: 'config.valid',
        status: 'pass',
        message: `configuration is valid: service ${config.serviceName}, environment ${config.environment}, release ${config.release ?? '(none)'}.`,
      });
    }
    for (const warning of result.warnings) {
      checks.push({
        destination: 'Configuration',
        check: `config.${warning.code}`,
        status: 'warn',
        message: `${warning.variable}: ${warning.message}`,
      });
    }
    if (result.ok) {
      const context: DoctorContext = {
        config: result.config,
        env: options.env,
        network: options.network ?? createDoctorNetwork(),
        timeoutMs: options.timeoutMs,
        sendTestEvent: options.sendTestEvent,
      };
      // Resolved before any probe starts: it may load @sentry/node, and a module that takes
      // a while to evaluate would otherwise delay answers past their timeouts.
      const targets = await otlpTargets(context);
      // Independent destinations run side by side; each family orders its own steps.
      const families = await Promise.all([
        checkSentryIngest(context),
        checkOtlpEndpoints(context, targets),
        checkPrometheusPort(context),
        checkSentryApi(context),
        checkPlatform(context),
      ]);
      checks.push(...families.flat());
    }
    const finalScrub = scrubberFor(options.env, result.ok ? result.config : undefined);
    const masked = checks.map((check) => maskCheck(check, finalScrub));
    options.stdout(options.json ? renderDoctorJson(masked) : renderDoctorText(masked));
    return masked.some((check) => check.status === 'fail') ? DOCTOR_EXIT_FAILED : DOCTOR_EXIT_PASSED;
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    options.stderr(`tracewire doctor could not run: ${scrub(reason)}\n`);
    return DOCTOR_EXIT_COULD_NOT_RUN;
  }
}

function maskCheck(check: DoctorCheck, scrub: SecretScrubber): DoctorCheck {
  return {
    ...check,
    ...(check.target === undefined ? {} : { target: scrub(check.target) }),
    message: scrub(check.message),
    ...(check.fix === undefined ? {} : { fix: scrub(check.fix) }),
  };
}

/**
 * Every secret the doctor could know of, from the resolved config and from the raw
 * environment (which may hold a secret the config rejected), masked wherever it appears.
 */
function scrubberFor(env: EnvSource, config: TracewireConfig | undefined): SecretScrubber {
  const secrets: (string | undefined)[] = [];
  const addDsn = (dsn: string | undefined): void => {
    if (dsn === undefined) return;
    try {
      const url = new URL(dsn);
      secrets.push(decodeURIComponent(url.username), decodeURIComponent(url.password));
    } catch {
      secrets.push(dsn);
    }
  };
  addDsn(readEnvValue(env, 'SENTRY_DSN'));
  secrets.push(readEnvValue(env, 'SENTRY_AUTH_TOKEN'));
  const rawHeaders = readEnvValue(env, 'OTEL_EXPORTER_OTLP_HEADERS');
  if (rawHeaders !== undefined) {
    const parsed = parseKeyValueList(rawHeaders, { keysAreHeaderNames: true });
    if (parsed.ok) secrets.push(...Object.values(parsed.entries));
    for (const part of rawHeaders.split(',')) secrets.push(part.slice(part.indexOf('=') + 1).trim());
  }
  if (config) {
    addDsn(config.sentry.dsn);
    secrets.push(config.sentry.authToken, ...Object.values(config.otlp.headers));
  }
  return createSecretScrubber(secrets);
}
