/**
 * Bounded polling for conditions that settle asynchronously.
 *
 * @module
 */

/** Resolves once `condition()` holds; rejects after `timeoutMs` so a broken test cannot hang. */
export async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves or rejects as `promise` does; rejects after `timeoutMs` so a broken test cannot hang. */
export function within<T>(
  promise: Promise<T>,
  timeoutMs = 5000,
  what = "still waiting",
): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} after ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}
