/** The part of a Koa context this module touches. */
interface ContextWithErrorHandler {
  onerror(error: unknown): void;
}

/**
 * Keeps headers tracewire set (`x-request-id`, `traceresponse`) on Koa's own error
 * response. Koa's `ctx.onerror` removes every header before it answers a thrown error
 * and then sets only `err.headers`, so the client of a failed request would lose the
 * very ID it needs to report the failure. The headers are lent to `err.headers` for the
 * synchronous length of Koa's handler and taken back afterwards, so the error object is
 * left as it was and an error instance shared by concurrent requests never carries one
 * request's ID into another's response. Headers the app put on the error win.
 */
export function keepHeadersOnErrorResponse(
  ctx: ContextWithErrorHandler,
  headers: Record<string, string>,
): void {
  const koaOnError = ctx.onerror;
  if (typeof koaOnError !== 'function') return;
  ctx.onerror = function tracewireOnError(this: unknown, error: unknown) {
    if (typeof error !== 'object' || error === null || !Object.isExtensible(error)) {
      return koaOnError.call(this, error);
    }
    const carrier = error as { headers?: unknown };
    const hadOwnHeaders = Object.hasOwn(carrier, 'headers');
    const appHeaders = carrier.headers;
    try {
      carrier.headers = {
        ...headers,
        ...(typeof appHeaders === 'object' && appHeaders !== null ? appHeaders : {}),
      };
    } catch {
      // A read-only `headers`: Koa answers without tracewire's headers.
      return koaOnError.call(this, error);
    }
    try {
      return koaOnError.call(this, error);
    } finally {
      if (hadOwnHeaders) carrier.headers = appHeaders;
      else delete carrier.headers;
    }
  };
}
