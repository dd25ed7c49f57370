/**
 * Bounded polling for conditions that need a round trip to Redis.
 *
 * @module
 */

/** Resolves once `condition()` resolves true; rejects after `timeoutMs`. */
export async function eventually(
  condition: () => Promise<boolean>,
  timeoutMs = 10_000,
  intervalMs = 25,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
