/**
 * When to try again, as data: what a failed attempt leads to.
 *
 * @module
 */
import type { DeadReason } from "../store/delivery-store";
import type { AttemptOutcome } from "../transport/attempt-outcome";
import type { RetryDelays } from "./retry-schedule";

/** What follows an attempt. */
export type AttemptVerdict =
  | { readonly next: "delivered" }
  | { readonly next: "retry"; readonly delayMs: number }
  | { readonly next: "dead"; readonly reason: DeadReason };

const DELIVERED: AttemptVerdict = { next: "delivered" };

/**
 * Judges an attempt: a success is delivered; a retryable failure waits as
 * the endpoint's retry schedule says (with `Retry-After`, the minimum delay
 * and, after a 429 or a timeout, the overload delay) while the series has
 * retries left; anything else is dead: `closed` when the dispatcher is giving
 * up, `blocked_address` when the network policy refused the address,
 * `exhausted` after the last retry, `rejected` for a failure that is never
 * retried.
 *
 * @param attemptInSeries - 1 for the first attempt of the series.
 * @example
 * ```ts
 * judgeAttempt(outcome, 1, new RetryDelays({ retryCount: 1 }), false);
 * // { next: "retry", delayMs: 250…500 } for a 503 without Retry-After
 * ```
 */
export function judgeAttempt(
  outcome: AttemptOutcome,
  attemptInSeries: number,
  delays: RetryDelays,
  closing: boolean,
): AttemptVerdict {
  if (outcome.error === undefined) return DELIVERED;
  if (closing) return { next: "dead", reason: "closed" };
  if (outcome.errorKind === "blocked_address") return { next: "dead", reason: "blocked_address" };
  if (!outcome.retryable) return { next: "dead", reason: "rejected" };
  const delayMs = delays.delayFor(attemptInSeries, {
    retryAfterMs: outcome.retryAfterMs,
    overloaded: outcome.status === 429 || outcome.errorKind === "timeout",
  });
  if (delayMs === undefined) return { next: "dead", reason: "exhausted" };
  return { next: "retry", delayMs };
}
