/**
 * Bounded polling for conditions that settle asynchronously, in memory or
 * behind a round trip to Redis or a database.
 *
 * @module
 */

/**
 * Resolves once `condition()` holds, asking again every `intervalMs`; rejects
 * after `timeoutMs` so a broken test cannot hang. `condition` may be async
 * (a Redis or database round trip): the next ask starts after it resolved,
 * so a slow answer never overlaps the next. Ask a network-backed condition
 * less often (25 ms or more) than an in-memory one. `explain`, when given,
 * says in the error what was still missing.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
  intervalMs = 5,
  explain?: () => string,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) {
      const why = explain === undefined ? "" : `: ${explain()}`;
      throw new Error(`condition not met within ${timeoutMs} ms${why}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
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
