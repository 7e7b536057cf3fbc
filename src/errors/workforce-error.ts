/** Base class of every error workforce itself raises. */
export class WorkforceError extends Error {
  override name = 'WorkforceError';
  readonly code: string = 'ERR_WORKFORCE';
}
