/**
 * An endpoint's cluster-wide limits, kept in its queue's metadata in Redis so
 * that every worker process obeys the same ones: `concurrency` as BullMQ
 * global concurrency, `rateLimit` as BullMQ's global rate limiter.
 *
 * @module
 */
import type { Queue } from "bullmq";
import type { Endpoint } from "../router/endpoint";

/** BullMQ's limiter: at most `max` jobs started per `duration` ms window. */
export interface RateLimitWindow {
  readonly max: number;
  readonly duration: number;
}

/**
 * The fixed window closest to the local token bucket: `burst` deliveries per
 * `burst / rate` seconds, so the long-run rate is never above `rate`. The
 * window opens with its first job; right after an idle spell at most `burst`
 * start at once, but at a window's edge up to `2 × burst − 1` can start
 * close together (a token bucket would allow about `burst + 1`).
 *
 * @example
 * ```ts
 * rateLimitWindow(20, undefined); // { max: 20, duration: 1000 }
 * rateLimitWindow(0.5, undefined); // { max: 1, duration: 2000 }
 * ```
 */
export function rateLimitWindow(rate: number, burst: number | undefined): RateLimitWindow {
  const max = Math.max(1, Math.floor(burst ?? rate));
  return { max, duration: Math.ceil((max * 1000) / rate) };
}

/**
 * Writes the endpoint's limits into its queue, replacing what an older
 * config left there (a removed `rateLimit` is removed from Redis too).
 */
export async function applyQueueLimits(queue: Queue, endpoint: Endpoint): Promise<void> {
  const { concurrency } = endpoint.config;
  const { rateLimit, rateLimitBurst } = endpoint.config.delivery;
  await queue.setGlobalConcurrency(concurrency);
  if (rateLimit === undefined) {
    await queue.removeGlobalRateLimit();
    return;
  }
  const { max, duration } = rateLimitWindow(rateLimit, rateLimitBurst);
  await queue.setGlobalRateLimit(max, duration);
}
