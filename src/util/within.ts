/** Waiting for a promise, but not for ever. */

/**
 * Resolves true once `promise` settles (either way), or false after `ms` if it has not by then.
 * The timer is cleared as soon as the promise settles, so it holds nothing open.
 */
export function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(
    () => true,
    () => true,
  );
  return Promise.race([settled, late]).finally(() => clearTimeout(timer));
}
