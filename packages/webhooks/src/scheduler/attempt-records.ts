/**
 * Turning an attempt's verdict into what the store records.
 *
 * @module
 */
import type { AttemptResult } from "../store/delivery-store";
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
