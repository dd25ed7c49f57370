/**
 * The retry policy of the local dispatcher, as a function the BullMQ worker
 * feeds to its backoff strategy.
 *
 * @module
 */
import { backoffDelay } from "../backoff-delay";
import type { ResolvedConfig } from "../resolve-configs";

/**
 * Wait before the next attempt after attempt number `failedAttempts` failed:
 * the server's `Retry-After` when it sent one, else exponential backoff with
 * jitter; either way capped at `retryMaxDelayMs`.
 *
 * @example
 * ```ts
 * retryDelayMs(config, 1, undefined); // 250..500 with the default base of 500
 * retryDelayMs(config, 1, 120_000); // 30000: Retry-After, capped
 * ```
 */
export function retryDelayMs(
  config: Pick<ResolvedConfig, "retryBaseDelayMs" | "retryMaxDelayMs">,
  failedAttempts: number,
  retryAfterMs: number | undefined,
): number {
  return Math.min(
    config.retryMaxDelayMs,
    retryAfterMs ?? backoffDelay(failedAttempts, config.retryBaseDelayMs, config.retryMaxDelayMs),
  );
}
