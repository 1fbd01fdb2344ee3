import { createObjectRedactor } from '../privacy/create-object-redactor.ts';

/**
 * The log line's redactor, pino's `formatters.log`: the privacy module's one redactor
 * for structured data, with the caller's extra keys. Values under secret keys become
 * `***`; an ordinary line is returned as is, without a copy.
 *
 * pino's own path-based redaction was the single largest cost of a log line (each
 * wildcard path walks the object); one walk with a key rule does the same job, for
 * objects of any prototype (Fastify's `request.query`), `Map` and `Headers`.
 *
 * @example
 * const redact = createLogRedactor(['ssn']);
 * redact({ req: { headers: { authorization: 'Bearer x' } } });
 * // { req: { headers: { authorization: '***' } } }
 */
export function createLogRedactor(
  extraKeys: readonly string[] = [],
): (object: Record<string, unknown>) => Record<string, unknown> {
  return createObjectRedactor(extraKeys);
}
