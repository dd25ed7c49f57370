import { describe, expect, it } from "vitest";
import { WebhookDeliveryError } from "../errors";
import type { AttemptOutcome } from "../transport/attempt-outcome";
import { judgeAttempt } from "./retry-policy";
import { RetryDelays } from "./retry-schedule";

const policy = new RetryDelays({
  retryCount: 2,
  retryBaseDelayMs: 100,
  retryMaxDelayMs: 1000,
  retryMinDelayMs: 0,
});
const context = { endpoint: "http://127.0.0.1/hook", deliveryId: "d", attempt: 1 };

function outcome(fields: Partial<AttemptOutcome>): AttemptOutcome {
  return {
    attempt: 1,
    startedAt: 0,
    durationMs: 1,
    status: undefined,
    error: undefined,
    errorKind: undefined,
    errorMessage: undefined,
    retryable: false,
    retryAfterMs: undefined,
    responseBody: undefined,
    ...fields,
  };
}

const failed = (fields: Partial<AttemptOutcome> = {}) =>
  outcome({ error: new WebhookDeliveryError("failed", context), retryable: true, ...fields });

describe("judgeAttempt", () => {
  it("delivers a success, even while closing", () => {
    expect(judgeAttempt(outcome({ status: 204 }), 1, policy, true)).toEqual({ next: "delivered" });
  });

  it("retries a retryable failure within the series budget with the backoff step", () => {
    const first = judgeAttempt(failed(), 1, policy, false);
    const second = judgeAttempt(failed(), 2, policy, false);
    expect(first.next === "retry" && first.delayMs >= 50 && first.delayMs <= 100).toBe(true);
    expect(second.next === "retry" && second.delayMs >= 100 && second.delayMs <= 200).toBe(true);
    expect(judgeAttempt(failed(), 3, policy, false)).toEqual({ next: "dead", reason: "exhausted" });
  });

  it("waits what Retry-After asks, capped at maxDelayMs", () => {
    expect(judgeAttempt(failed({ retryAfterMs: 700 }), 1, policy, false)).toEqual({
      next: "retry",
      delayMs: 700,
    });
    expect(judgeAttempt(failed({ retryAfterMs: 60_000 }), 1, policy, false)).toEqual({
      next: "retry",
      delayMs: 1000,
    });
  });

  it("dead-letters a failure that is never retried as rejected, and anything while closing as closed", () => {
    expect(judgeAttempt(failed({ retryable: false, status: 410 }), 1, policy, false)).toEqual({
      next: "dead",
      reason: "rejected",
    });
    expect(judgeAttempt(failed(), 1, policy, true)).toEqual({ next: "dead", reason: "closed" });
  });

  it("never retries an address the network policy refused", () => {
    expect(judgeAttempt(failed({ errorKind: "blocked_address" }), 1, policy, false)).toEqual({
      next: "dead",
      reason: "blocked_address",
    });
  });

  it("waits at least the overload delay after a 429 or a timeout", () => {
    const overloaded = new RetryDelays({ retryCount: 2, overloadDelayMs: 800 });
    expect(judgeAttempt(failed({ status: 429 }), 1, overloaded, false)).toEqual({
      next: "retry",
      delayMs: 800,
    });
    expect(judgeAttempt(failed({ errorKind: "timeout" }), 1, overloaded, false)).toEqual({
      next: "retry",
      delayMs: 800,
    });
  });
});
