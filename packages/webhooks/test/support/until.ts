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
