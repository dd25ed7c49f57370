/**
 * Turning an attempt's outcome and verdict into what the store records.
 *
 * @module
 */
import type { AttemptRecord, AttemptResult } from "../store/delivery-store";
import type { AttemptOutcome } from "../transport/attempt-outcome";
import type { AttemptVerdict } from "./retry-policy";

const DELIVERED: AttemptResult = { status: "delivered" };

/** The wait before the retry a verdict asks for, if any. */
export function retryIn(verdict: AttemptVerdict): number | undefined {
  return verdict.next === "retry" ? verdict.delayMs : undefined;
}

/** What the store records after the attempt; `at` is the retry time (epoch ms). */
export function toResult(verdict: AttemptVerdict, at: number): AttemptResult {
  if (verdict.next === "delivered") return DELIVERED;
  if (verdict.next === "retry") return { status: "retry", at };
  return { status: "dead", reason: verdict.reason };
}

/** The attempt as recorded. */
export function toAttemptRecord(attempt: number, outcome: AttemptOutcome): AttemptRecord {
  return {
    attempt,
    startedAt: outcome.startedAt,
    durationMs: outcome.durationMs,
    status: outcome.status,
    errorKind: outcome.errorKind,
    errorMessage: outcome.error?.message,
    responseBody: outcome.responseBody,
  };
}
