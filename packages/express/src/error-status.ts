/**
 * The status Express's final handler answers an error with: `err.status`, else
 * `err.statusCode` (each only when it is a 4xx or 5xx), else the response's status when
 * that is already an error status, else 500. Same rules as `finalhandler`, so the
 * capture decision matches the response the client gets from Express's default handler.
 */
export function errorStatus(error: unknown, responseStatus: number): number {
  if (typeof error === 'object' && error !== null) {
    const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
    if (isErrorStatus(status)) return status;
    if (isErrorStatus(statusCode)) return statusCode;
  }
  return isErrorStatus(responseStatus) ? responseStatus : 500;
}

function isErrorStatus(value: unknown): value is number {
  return typeof value === 'number' && value >= 400 && value <= 599;
}
