import { describe, expect, it } from "vitest";
import { backoffDelay } from "./backoff-delay";

describe("backoffDelay", () => {
  it("doubles the step with each retry, jitter within the upper half", () => {
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 10_000, () => 0.999999)).toBe(100);
    expect(backoffDelay(2, 100, 10_000, () => 0)).toBe(100);
    expect(backoffDelay(4, 100, 10_000, () => 0)).toBe(400);
  });

  it("never exceeds the cap", () => {
    for (let retry = 1; retry < 60; retry++) {
      expect(backoffDelay(retry, 500, 30_000, () => 0.999999)).toBeLessThanOrEqual(30_000);
    }
    expect(backoffDelay(40, 500, 30_000, () => 0)).toBe(15_000);
  });

  it("spreads delays when the random source varies", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(5, 100, 60_000)));
    expect(delays.size).toBeGreaterThan(1);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(800);
      expect(delay).toBeLessThanOrEqual(1600);
    }
  });
});
