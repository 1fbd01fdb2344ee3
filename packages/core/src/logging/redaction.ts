/** Keys whose values never reach a log line (compared case-insensitively). */
export const REDACTED_LOG_KEYS = [
  'authorization',
  'proxy-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'x-sentry-auth',
  'password',
  'passwd',
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'accesstoken',
  'refreshtoken',
  'authtoken',
  'auth_token',
  'secret',
  'client_secret',
  'clientsecret',
  'apikey',
  'api_key',
  'dsn',
  'sentry_dsn',
  'sentrydsn',
];

const MASK = '***';
// Deep enough for `req.headers.authorization` and `{ user: { credentials: { password } } }`;
// bounded so a large object never makes a log line expensive.
const MAX_DEPTH = 4;
const MAX_KEYS_PER_OBJECT = 200;

function isPlainContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/**
 * Masks secrets in a log object before pino serialises it: values under sensitive keys
 * at any of the first levels become `***`, and values that define their own JSON form
 * (tracewire's config masks its secrets in `toJSON`) are logged in that form. Nothing is
 * copied unless something changes, so an ordinary log line costs a few key lookups.
 *
 * pino's own path-based redaction was the single largest cost of a log line (each
 * wildcard path walks the object); one walk with a key set does the same job.
 *
 * @example
 * const redact = createLogRedactor(['ssn']);
 * redact({ req: { headers: { authorization: 'Bearer x' } } });
 * // { req: { headers: { authorization: '***' } } }
 */
export function createLogRedactor(
  extraKeys: readonly string[] = [],
): (object: Record<string, unknown>) => Record<string, unknown> {
  const sensitive = new Set([...REDACTED_LOG_KEYS, ...extraKeys].map((key) => key.toLowerCase()));

  const visit = (value: unknown, depth: number): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (value instanceof Error) return value;
    const ownJson = (value as { toJSON?: unknown }).toJSON;
    if (typeof ownJson === 'function' && !(value instanceof Date) && !Buffer.isBuffer(value)) {
      return depth < MAX_DEPTH ? visit((ownJson as () => unknown).call(value), depth) : value;
    }
    if (!isPlainContainer(value) || depth >= MAX_DEPTH) return value;
    if (Array.isArray(value)) {
      let copy: unknown[] | undefined;
      for (let index = 0; index < value.length && index < MAX_KEYS_PER_OBJECT; index += 1) {
        const item = value[index];
        const visited = visit(item, depth + 1);
        if (visited !== item) {
          copy ??= value.slice();
          copy[index] = visited;
        }
      }
      return copy ?? value;
    }
    let copy: Record<string, unknown> | undefined;
    let seen = 0;
    for (const key in value) {
      if (seen++ >= MAX_KEYS_PER_OBJECT) break;
      const item = value[key];
      const replaced =
        sensitive.has(key.toLowerCase()) && item !== undefined && item !== null
          ? MASK
          : visit(item, depth + 1);
      if (replaced !== item) {
        copy ??= { ...value };
        copy[key] = replaced;
      }
    }
    return copy ?? value;
  };

  return (object) => visit(object, 0) as Record<string, unknown>;
}
