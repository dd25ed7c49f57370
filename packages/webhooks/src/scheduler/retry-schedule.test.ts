import { describe, expect, it } from "vitest";
import { RetryDelays, SVIX_SCHEDULE } from "./retry-schedule";

const low = () => 0;
const high = () => 1 - 1e-12;

describe("RetryDelays", () => {
  it('keeps today\'s "exponential" schedule by default', () => {
    const policy = new RetryDelays({ retryCount: 3, retryBaseDelayMs: 500 }, "config", low);
    expect(policy.maxRetries).toBe(3);
    expect([1, 2, 3].map((retry) => policy.delayFor(retry))).toEqual([250, 500, 1000]);
    expect(policy.delayFor(4)).toBeUndefined();
    expect(new RetryDelays().maxRetries).toBe(1);
  });

  it('spreads the "svix" preset by ±20% around 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h', () => {
    const lowest = new RetryDelays({ retrySchedule: "svix" }, "config", low);
    const highest = new RetryDelays({ retrySchedule: "svix" }, "config", high);
    expect(lowest.maxRetries).toBe(7);
    SVIX_SCHEDULE.forEach((wait, index) => {
      expect(lowest.delayFor(index + 1)).toBe(Math.round(wait * 0.8));
      expect(highest.delayFor(index + 1)).toBe(Math.round(wait * 1.2));
    });
    expect(lowest.delayFor(8)).toBeUndefined();
    const middle = new RetryDelays({ retrySchedule: "svix" }, "config", () => 0.5);
    expect(middle.delayFor(1)).toBe(5000);
  });

  it("takes an explicit array, one retry per entry, jittered only when asked", () => {
    const plain = new RetryDelays({ retrySchedule: [10, 20, 30] }, "config", high);
    expect([1, 2, 3, 4].map((retry) => plain.delayFor(retry))).toEqual([10, 20, 30, undefined]);
    const spread = new RetryDelays({ retrySchedule: [1000], retryJitter: 0.5 }, "config", low);
    expect(spread.delayFor(1)).toBe(500);
    expect(new RetryDelays({ retrySchedule: [] }).delayFor(1)).toBeUndefined();
  });

  it("keeps a minimum wait when Retry-After says 0, and caps a long Retry-After", () => {
    const policy = new RetryDelays({ retryCount: 5, retryBaseDelayMs: 1 }, "config", low);
    expect(policy.delayFor(1, { retryAfterMs: 0 })).toBe(1000);
    expect(policy.delayFor(1, { retryAfterMs: 3000 })).toBe(3000);
    expect(policy.delayFor(1, { retryAfterMs: 3_600_000 })).toBe(30_000);
    // A schedule longer than the cap is not shortened to it by a longer Retry-After.
    const svix = new RetryDelays({ retrySchedule: "svix" }, "config", () => 0.5);
    expect(svix.delayFor(2, { retryAfterMs: 3_600_000 })).toBe(300_000);
    expect(svix.delayFor(2, { retryAfterMs: 2000 })).toBe(2000);
    // The floor never rises above the cap.
    const quick = new RetryDelays({ retryCount: 2, retryMaxDelayMs: 200 }, "config", low);
    expect(quick.delayFor(1, { retryAfterMs: 0 })).toBe(200);
  });

  it("waits at least the overload delay after a 429 or a timeout", () => {
    const policy = new RetryDelays({ retryCount: 2, retryBaseDelayMs: 10 }, "config", low);
    expect(policy.delayFor(1, { overloaded: true })).toBe(5000);
    expect(policy.delayFor(1, { overloaded: true, retryAfterMs: 0 })).toBe(5000);
    expect(policy.delayFor(1, { overloaded: true, retryAfterMs: 20_000 })).toBe(20_000);
    const custom = new RetryDelays({ overloadDelayMs: 50, retryBaseDelayMs: 10 }, "config", low);
    expect(custom.delayFor(1, { overloaded: true })).toBe(50);
  });

  it("refuses bad schedules with the path and a fix", () => {
    expect(() => new RetryDelays({ retrySchedule: "linear" as never }, "config[2]")).toThrow(
      /config\[2\]\.retrySchedule must be "exponential", "svix" or an array of waits in ms; got "linear"\. Fix:/,
    );
    expect(() => new RetryDelays({ retrySchedule: [1000, -1] })).toThrow(
      /config\.retrySchedule\[1\] must be a number of ms/,
    );
    expect(() => new RetryDelays({ retryJitter: 2 })).toThrow(
      /retryJitter must be a number from 0 to 1/,
    );
    expect(() => new RetryDelays({ retryCount: 1.5 })).toThrow(/retryCount must be an integer/);
    expect(() => new RetryDelays({ overloadDelayMs: Number.NaN })).toThrow(/overloadDelayMs/);
  });
});
