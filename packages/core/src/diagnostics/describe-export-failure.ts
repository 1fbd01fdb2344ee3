/** Longest reason kept; the rest of a response body or dump is cut. */
const MAX_REASON_LENGTH = 300;

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  status?: unknown;
  statusCode?: unknown;
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim() !== '') ?? '').trim();
}

/** OpenTelemetry's error handler passes exceptions as JSON (`{"stack":…,"message":…}`). */
function parseJsonObject(text: string): ErrorLike | undefined {
  if (!text.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as ErrorLike) : undefined;
  } catch {
    return undefined;
  }
}

function describeErrorLike(error: ErrorLike): string | undefined {
  const name = typeof error.name === 'string' && error.name !== '' ? error.name : 'Error';
  const message = typeof error.message === 'string' ? firstLine(error.message) : '';
  const code =
    typeof error.code === 'string' || typeof error.code === 'number' ? String(error.code) : undefined;
  const status = [error.status, error.statusCode].find((value) => Number.isInteger(Number(value)));
  // OTLPExporterError carries the HTTP status as a numeric `code`.
  const httpStatus =
    status !== undefined
      ? String(status)
      : code !== undefined && /^[1-5]\d\d$/.test(code) && name.startsWith('OTLPExporter')
        ? code
        : undefined;
  if (!message && code === undefined && httpStatus === undefined) return undefined;
  const details = [
    code !== undefined && code !== httpStatus ? code : undefined,
    httpStatus !== undefined ? `HTTP ${httpStatus}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return `${name}${details.length > 0 ? ` (${details.join(', ')})` : ''}${message ? `: ${message}` : ''}`;
}

function describeArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') {
    const parsed = parseJsonObject(arg);
    return parsed ? describeErrorLike(parsed) : firstLine(arg) || undefined;
  }
  if (Array.isArray(arg)) {
    // A provider's flush rejects with the list of its processors' errors.
    const described = arg.map(describeArgument).filter((part) => part !== undefined);
    return described.length > 0 ? [...new Set(described)].join('; ') : undefined;
  }
  if (typeof arg === 'object' && arg !== null) return describeErrorLike(arg as ErrorLike);
  if (arg === undefined || arg === null) return undefined;
  return String(arg);
}

/**
 * One readable line from what OpenTelemetry's `diag` was given about a failed export:
 * the error's name, code, HTTP status and first message line. Never a stack, a
 * multi-line dump or a whole response body: the warning is read in a log viewer,
 * and repeats of the same failure must look alike to be rate-limited as one.
 *
 * @example
 * describeExportFailure('{"name":"OTLPExporterError","code":"500","message":"Internal Server Error","stack":"…"}', []);
 * // 'OTLPExporterError (HTTP 500): Internal Server Error'
 */
export function describeExportFailure(message: string, args: readonly unknown[]): string {
  const parts = [message, ...args]
    .map(describeArgument)
    .filter((part): part is string => part !== undefined && part !== '');
  const unique = parts.filter((part, index) => parts.indexOf(part) === index);
  const reason = unique.join(': ').replace(/\s+/g, ' ');
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
}
