/**
 * The status Koa answers a thrown error with: `err.status`, else `err.statusCode`, else
 * 500, and 500 for anything that is not an HTTP status (Koa's `ctx.onerror` does the same),
 * so the capture decision matches the response the client gets.
 */
export function errorStatus(error: unknown): number {
  if (typeof error !== 'object' || error === null) return 500;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  // `||` as in Koa: a status of 0 falls through to `statusCode` there too.
  const candidate = status || statusCode;
  return typeof candidate === 'number' && Number.isInteger(candidate) && candidate >= 100 && candidate <= 599
    ? candidate
    : 500;
}
