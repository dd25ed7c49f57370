/**
 * Exponential backoff with jitter.
 *
 * @module
 */

/**
 * Wait before retry number `retry` (1 for the first retry): the exponential
 * step `min(maxMs, baseMs * 2^(retry-1))`, of which the upper half is random
 * ("equal jitter"), so retries from many senders spread out yet never come
 * sooner than half the step.
 *
 * @param random - source of randomness in [0, 1); `Math.random` by default.
 * @example
 * ```ts
 * import { backoffDelay } from "@attesta/webhooks";
 *
 * backoffDelay(3, 500, 30_000); // between 1000 and 2000
 * ```
 */
export function backoffDelay(
  retry: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const step = Math.min(maxMs, baseMs * 2 ** Math.max(0, retry - 1));
  const half = step / 2;
  return Math.round(half + random() * half);
}
