import * as z from 'zod';
import type { ConfigIssueCode } from '../errors/catalogue.ts';
import { parseDsn } from './parse-dsn.ts';
import { parseKeyValueList } from './parse-key-value-list.ts';
import type { LogLevel, LogsExporter, MetricsMode, OtlpProtocol } from './types.ts';

/** The outcome of checking one value: the parsed value, or why it is wrong. */
export type ValueCheck<T> = { ok: true; value: T } | { ok: false; reason: string | undefined };

/**
 * One kind of configuration value (a DSN, a sample rate, a port): how to read it from an
 * environment string and from a code option, and what to tell the user when it is wrong.
 */
export interface ValueKind<T> {
  code: ConfigIssueCode;
  /** The expected form, as shown in issues ("a number from 0 to 1"). */
  expected: string;
  /** The general fix; a precise reason, when there is one, is put before it. */
  hint: string;
  /** Reads a trimmed, non-empty environment value. */
  fromEnv(raw: string): ValueCheck<T>;
  /** Checks a value passed in code (JavaScript callers can pass anything). */
  fromOption(value: unknown): ValueCheck<T>;
}

/**
 * Runs a zod schema and keeps only the reasons written for users (`custom` issues):
 * zod's generic messages would repeat what `expected` already says.
 */
function checkWith<T>(schema: z.ZodType<T>, value: unknown): ValueCheck<T> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  const reasons = result.error.issues
    .filter((issue) => issue.code === 'custom')
    .map((issue) => issue.message);
  return { ok: false, reason: reasons.length > 0 ? reasons.join(' ') : undefined };
}

/** A kind whose environment and option forms are both strings checked by one schema. */
function stringKind<T>(
  definition: Omit<ValueKind<T>, 'fromEnv' | 'fromOption'>,
  schema: z.ZodType<T>,
): ValueKind<T> {
  return {
    ...definition,
    fromEnv: (raw) => checkWith(schema, raw),
    fromOption: (value) => checkWith(schema, value),
  };
}

// A plain decimal: what people write for rates and counts. `Number()` alone would also
// accept '', '0x10', '1e3' and 'Infinity', none of which anyone means here.
const DECIMAL = /^\+?(\d+(\.\d*)?|\.\d+)$/;
const DIGITS = /^\d+$/;

export const dsnKind: ValueKind<string> = stringKind(
  {
    code: 'TW_CONFIG_INVALID_DSN',
    expected:
      'a Sentry DSN like https://<public key>@o0.ingest.sentry.io/<project id>, or empty to disable Sentry',
    hint: 'Copy the DSN from Sentry (Project Settings > Client Keys (DSN)), or leave SENTRY_DSN empty to run without Sentry.',
  },
  z.string().check((ctx) => {
    // An empty DSN given in code is the documented way to turn Sentry off.
    if (ctx.value === '') return;
    const check = parseDsn(ctx.value);
    if (!check.ok) ctx.issues.push({ code: 'custom', message: check.reason, input: ctx.value });
  }),
);

export const environmentKind: ValueKind<string> = stringKind(
  {
    code: 'TW_CONFIG_INVALID_ENVIRONMENT',
    expected:
      'a name of 1 to 64 characters without "/", spaces or line breaks, other than "None" (Sentry’s rules)',
    hint: 'Use a short name such as production, staging or development.',
  },
  z
    .string()
    .refine((value) => value.length > 0, { message: 'It is empty.' })
    .refine((value) => value.length <= 64, { message: 'It is longer than the 64 characters Sentry allows.' })
    .refine((value) => !value.includes('/'), { message: 'Sentry rejects "/" in environment names; use "-".' })
    .refine((value) => !/\s/.test(value), {
      message: 'Sentry rejects spaces and line breaks in environment names.',
    })
    .refine((value) => value !== 'None', { message: 'Sentry reserves the name "None".' }),
);

export const releaseKind: ValueKind<string> = stringKind(
  {
    code: 'TW_CONFIG_INVALID_RELEASE',
    expected:
      'a release name of at most 200 characters without "/", "\\", tabs or line breaks, and not ".", ".." or " " (Sentry’s rules)',
    hint: 'Use name@version (my-api@1.4.2) or a commit SHA.',
  },
  z
    .string()
    .refine((value) => value.length > 0, { message: 'It is empty.' })
    .refine((value) => value.length <= 200, {
      message: 'It is longer than the 200 characters Sentry allows.',
    })
    .refine((value) => !/[/\\]/.test(value), { message: 'Sentry rejects "/" and "\\" in release names.' })
    .refine((value) => !/[\t\r\n]/.test(value), {
      message: 'Sentry rejects tabs and line breaks in release names.',
    })
    .refine((value) => !['.', '..', ' '].includes(value), {
      message: 'Sentry rejects ".", ".." and " " as releases.',
    }),
);

const sampleRateNumber = z.number().min(0).max(1);

export const sampleRateKind: ValueKind<number> = {
  code: 'TW_CONFIG_INVALID_SAMPLE_RATE',
  expected: 'a number from 0 to 1 (0.1 records 10% of new traces)',
  hint: 'Suggested rates: development 1.0, staging 0.5, production 0.1.',
  fromEnv(raw) {
    if (raw.endsWith('%')) return { ok: false, reason: `Write a percentage as a fraction: 10% is 0.1.` };
    if (!DECIMAL.test(raw)) return { ok: false, reason: undefined };
    const value = Number(raw);
    if (value > 1) return { ok: false, reason: 'Above 1 is not a rate; 1 already records every trace.' };
    return checkWith(sampleRateNumber, value);
  },
  fromOption: (value) => checkWith(sampleRateNumber, value),
};

export const serviceNameKind: ValueKind<string> = stringKind(
  {
    code: 'TW_CONFIG_INVALID_SERVICE_NAME',
    expected: 'a non-empty service name',
    hint: 'Use the name the service is known by in dashboards, such as checkout-api.',
  },
  z.string().refine((value) => value.trim().length > 0, { message: 'It is empty.' }),
);

/** An absolute http(s) URL: collectors, Sentry and Grafana are all reached over HTTP. */
export const httpUrlKind: ValueKind<string> = stringKind(
  {
    code: 'TW_CONFIG_INVALID_URL',
    expected: 'an absolute http:// or https:// URL',
    hint: 'Include the scheme and host, for example http://otel-collector:4318.',
  },
  z.string().check((ctx) => {
    let url: URL;
    try {
      url = new URL(ctx.value);
    } catch {
      ctx.issues.push({ code: 'custom', message: 'It is not an absolute URL.', input: ctx.value });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      ctx.issues.push({
        code: 'custom',
        message: `It uses ${url.protocol}//, not http:// or https://.`,
        input: ctx.value,
      });
    }
  }),
);

export const LOG_LEVELS = [
  'trace',
  'debug',
  'info',
  'warn',
  'error',
  'fatal',
  'silent',
] as const satisfies readonly LogLevel[];

const logLevelEnum = z.enum(LOG_LEVELS);

export const logLevelKind: ValueKind<LogLevel> = {
  code: 'TW_CONFIG_INVALID_LOG_LEVEL',
  expected: `one of ${LOG_LEVELS.join(', ')}`,
  hint: 'Use info in production and debug while investigating.',
  // Upper-case levels (`INFO`) are common in other ecosystems and unambiguous, so they are accepted.
  fromEnv: (raw) => checkWith(logLevelEnum, raw.toLowerCase()),
  fromOption: (value) => checkWith(logLevelEnum, value),
};

const BOOLEAN_TRUE = ['true', '1', 'yes'];
const BOOLEAN_FALSE = ['false', '0', 'no'];
const stringBoolean = z.stringbool({ truthy: BOOLEAN_TRUE, falsy: BOOLEAN_FALSE, case: 'insensitive' });

export const booleanKind: ValueKind<boolean> = {
  code: 'TW_CONFIG_INVALID_BOOLEAN',
  expected: `one of ${[...BOOLEAN_TRUE, ...BOOLEAN_FALSE].join(', ')} (any case)`,
  hint: 'Use true or false.',
  fromEnv: (raw) => checkWith(stringBoolean, raw),
  fromOption: (value) => checkWith(z.boolean(), value),
};

export const METRICS_MODES = ['otlp', 'prometheus', 'none'] as const satisfies readonly MetricsMode[];

const metricsModeEnum = z.enum(METRICS_MODES);

export const metricsModeKind: ValueKind<MetricsMode> = {
  code: 'TW_CONFIG_INVALID_METRICS_MODE',
  expected: `one of ${METRICS_MODES.join(', ')}`,
  hint: 'Use otlp to push to a collector, prometheus to be scraped, or none.',
  fromEnv: (raw) => checkWith(metricsModeEnum, raw.toLowerCase()),
  fromOption: (value) => checkWith(metricsModeEnum, value),
};

export const LOGS_EXPORTERS = ['otlp', 'none'] as const satisfies readonly LogsExporter[];

const logsExporterEnum = z.enum(LOGS_EXPORTERS);

function logsExporterReason(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const names = value
    .toLowerCase()
    .split(',')
    .map((name) => name.trim());
  if (names.includes('console'))
    return 'Every line already goes to stdout (TRACEWIRE_LOG_STDOUT), so console is not needed.';
  if (names.length > 1) return 'tracewire exports logs to one place: give otlp or none, not a list.';
  return undefined;
}

export const logsExporterKind: ValueKind<LogsExporter> = {
  code: 'TW_CONFIG_INVALID_LOGS_EXPORTER',
  expected: `one of ${LOGS_EXPORTERS.join(', ')}`,
  hint: 'Use otlp to send log records to the OTLP logs endpoint, or none.',
  fromEnv(raw) {
    const check = checkWith(logsExporterEnum, raw.toLowerCase());
    return check.ok ? check : { ok: false, reason: logsExporterReason(raw) };
  },
  fromOption(value) {
    const check = checkWith(logsExporterEnum, value);
    return check.ok ? check : { ok: false, reason: logsExporterReason(value) };
  },
};

/** Far above any sensible queue: a bigger one only hides a receiver that cannot keep up. */
export const MAX_BATCH_SIZE = 1_000_000;

const batchSizeNumber = z.int().min(1).max(MAX_BATCH_SIZE);

export const batchSizeKind: ValueKind<number> = {
  code: 'TW_CONFIG_INVALID_BATCH_SIZE',
  expected: `a whole number from 1 to ${MAX_BATCH_SIZE}`,
  hint: 'Leave it unset for the OpenTelemetry default, or give a whole number such as 8192.',
  fromEnv: (raw) =>
    DIGITS.test(raw) ? checkWith(batchSizeNumber, Number(raw)) : { ok: false, reason: undefined },
  fromOption: (value) => checkWith(batchSizeNumber, value),
};

const portNumber = z.int().min(0).max(65535);

export const portKind: ValueKind<number> = {
  code: 'TW_CONFIG_INVALID_PORT',
  expected: 'an integer from 0 to 65535 (0 picks a free port)',
  hint: 'The Prometheus exporter convention is 9464.',
  fromEnv: (raw) =>
    DIGITS.test(raw) ? checkWith(portNumber, Number(raw)) : { ok: false, reason: undefined },
  fromOption: (value) => checkWith(portNumber, value),
};

/** Long enough for any orchestrator's grace period (Kubernetes defaults to 30 s). */
export const MAX_SHUTDOWN_TIMEOUT_MS = 600_000;

const timeoutNumber = z.int().min(0).max(MAX_SHUTDOWN_TIMEOUT_MS);

export const timeoutKind: ValueKind<number> = {
  code: 'TW_CONFIG_INVALID_TIMEOUT',
  expected: `a whole number of milliseconds from 0 to ${MAX_SHUTDOWN_TIMEOUT_MS}`,
  hint: 'Keep it below the platform’s shutdown grace period, for example 5000.',
  fromEnv(raw) {
    if (/^\d+(\.\d+)?\s*(ms|s|m)$/i.test(raw))
      return { ok: false, reason: 'Give plain milliseconds, without a unit.' };
    return DIGITS.test(raw) ? checkWith(timeoutNumber, Number(raw)) : { ok: false, reason: undefined };
  },
  fromOption: (value) => checkWith(timeoutNumber, value),
};

export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const satisfies readonly OtlpProtocol[];

const protocolEnum = z.enum(OTLP_PROTOCOLS);

function protocolReason(value: unknown): string | undefined {
  return typeof value === 'string' && value.toLowerCase() === 'grpc'
    ? 'tracewire sends OTLP over HTTP only: set http/protobuf and point the endpoint at port 4318 instead of 4317.'
    : undefined;
}

export const protocolKind: ValueKind<OtlpProtocol> = {
  code: 'TW_CONFIG_UNSUPPORTED_PROTOCOL',
  expected: `one of ${OTLP_PROTOCOLS.join(', ')}`,
  hint: 'Leave it unset for http/protobuf, which every collector and Tempo accept.',
  fromEnv(raw) {
    const check = checkWith(protocolEnum, raw.toLowerCase());
    return check.ok ? check : { ok: false, reason: protocolReason(raw) };
  },
  fromOption(value) {
    const check = checkWith(protocolEnum, value);
    return check.ok ? check : { ok: false, reason: protocolReason(value) };
  },
};

/** Written for `TRACEWIRE_IGNORED_PATHS` to mean "ignore no path": an empty value means "unset". */
export const NO_IGNORED_PATHS = 'none';

function ignoredPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return `"${path}" does not start with "/".`;
  if (/[\s?#]/.test(path))
    return `"${path}" holds a space, "?" or "#"; the query string never takes part in matching.`;
  if (path.slice(0, -1).includes('*'))
    return `"${path}" has a "*" before the end; only a trailing * (prefix match) works.`;
  return undefined;
}

const ignoredPathList = z.array(z.string()).check((ctx) => {
  for (const path of ctx.value) {
    const problem = ignoredPathProblem(path);
    if (problem) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value });
  }
});

export const pathListKind: ValueKind<string[]> = {
  code: 'TW_CONFIG_INVALID_PATHS',
  expected: `a comma-separated list of paths starting with "/" (a trailing * matches a prefix), or ${NO_IGNORED_PATHS}`,
  hint: 'Example: /health,/metrics,/internal/*',
  fromEnv(raw) {
    if (raw.toLowerCase() === NO_IGNORED_PATHS) return { ok: true, value: [] };
    const paths = raw
      .split(',')
      .map((path) => path.trim())
      .filter((path) => path !== '');
    return checkWith(ignoredPathList, paths);
  },
  fromOption: (value) => checkWith(ignoredPathList, value),
};

function keyValueListKind(keysAreHeaderNames: boolean, subject: string): ValueKind<Record<string, string>> {
  const record = z.record(z.string(), z.string());
  return {
    code: 'TW_CONFIG_INVALID_KEY_VALUE_LIST',
    expected: `comma-separated key=value pairs with percent-encoded values (${subject})`,
    hint: 'Percent-encode spaces, commas and "=" inside values: Bearer%20abc.',
    fromEnv(raw) {
      const check = parseKeyValueList(raw, { keysAreHeaderNames });
      return check.ok
        ? { ok: true, value: check.entries }
        : { ok: false, reason: `${capitalise(check.problems.join('; '))}.` };
    },
    fromOption(value) {
      const check = checkWith(record, value);
      if (!check.ok || !keysAreHeaderNames) return check;
      // Re-use the environment rules so a header map from code meets the same standard.
      const asText = Object.entries(check.value)
        .map(([key, entryValue]) => `${key}=${encodeURIComponent(entryValue)}`)
        .join(',');
      const parsed = parseKeyValueList(asText, { keysAreHeaderNames });
      return parsed.ok ? check : { ok: false, reason: `${capitalise(parsed.problems.join('; '))}.` };
    },
  };
}

export const headersKind = keyValueListKind(true, 'header=value');
export const resourceAttributesKind = keyValueListKind(false, 'attribute=value');

export const tokenKind: ValueKind<string> = stringKind(
  {
    code: 'TW_CONFIG_INVALID_TOKEN',
    expected: 'a token without spaces or line breaks',
    hint: 'Copy the token again from Sentry (Settings > Auth Tokens); it is a single word.',
  },
  z.string().refine((value) => !/\s/.test(value), { message: 'It contains whitespace.' }),
);

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
