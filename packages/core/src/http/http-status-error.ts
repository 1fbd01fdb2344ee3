/**
 * Stands in for the missing error when an app answered a 5xx without one and its
 * `shouldCapture`, asked with no error, wants the response reported.
 */
export class HttpStatusError extends Error {
  override name = 'HttpStatusError';
  readonly status: number;

  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}
