/**
 * When to try again, as data: what a failed attempt leads to.
 *
 * @module
 */
import type { DeadReason } from "../store/delivery-store";
import type { AttemptOutcome } from "../transport/attempt-outcome";
import { backoffDelay } from "./backoff-delay";

/** The retry schedule of an endpoint. */
export interface RetryPolicy {
  /** Retries after the first attempt of a series. */
  readonly retryCount: number;
  /** Base of the exponential backoff, in ms. */
  readonly baseDelayMs: number;
  /** Cap of any wait, `Retry-After` included, in ms. */
  readonly maxDelayMs: number;
}

/** What follows an attempt. */
export type AttemptVerdict =
  | { readonly next: "delivered" }
  | { readonly next: "retry"; readonly delayMs: number }
  | { readonly next: "dead"; readonly reason: DeadReason };

const DELIVERED: AttemptVerdict = { next: "delivered" };

/**
 * Judges an attempt: a success is delivered; a retryable failure waits
 * `Retry-After` (when the receiver sent one) or the backoff step, both capped
 * at `maxDelayMs`, while the series has retries left; anything else is dead:
 * `closed` when the dispatcher is giving up, `exhausted` after the last retry,
 * `rejected` for a failure that is never retried.
 *
 * @param attemptInSeries - 1 for the first attempt of the series.
 * @example
 * ```ts
 * judgeAttempt(outcome, 1, { retryCount: 1, baseDelayMs: 500, maxDelayMs: 30_000 }, false);
 * // { next: "retry", delayMs: 250…500 } for a 503 without Retry-After
 * ```
 */
export function judgeAttempt(
  outcome: AttemptOutcome,
  attemptInSeries: number,
  policy: RetryPolicy,
  closing: boolean,
): AttemptVerdict {
  if (outcome.error === undefined) return DELIVERED;
  if (closing) return { next: "dead", reason: "closed" };
  if (!outcome.retryable) return { next: "dead", reason: "rejected" };
  if (attemptInSeries > policy.retryCount) return { next: "dead", reason: "exhausted" };
  const delayMs = Math.min(
    policy.maxDelayMs,
    outcome.retryAfterMs ?? backoffDelay(attemptInSeries, policy.baseDelayMs, policy.maxDelayMs),
  );
  return { next: "retry", delayMs };
}
