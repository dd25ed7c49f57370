import { describe, expect, it } from "vitest";
import { RateLimiter } from "./rate-limiter";

function limiter(rate: number, burst?: number) {
  const clock = { now: 0 };
  return { clock, limiter: new RateLimiter(rate, burst, () => clock.now) };
}

describe("RateLimiter", () => {
  it("lets a burst through, then one token per 1/rate seconds", () => {
    const { clock, limiter: bucket } = limiter(10);
    for (let i = 0; i < 10; i++) expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(100);
    clock.now = 50;
    expect(bucket.take()).toBe(50);
    clock.now = 100;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(100);
  });

  it("holds the rate over a long run", () => {
    const { clock, limiter: bucket } = limiter(5, 1);
    let sent = 0;
    for (clock.now = 0; clock.now <= 10_000; clock.now += 7) if (bucket.take() === 0) sent++;
    // One at t=0, then 5 per second for 10 s (the last one lands just after the loop ends).
    expect(sent).toBeGreaterThanOrEqual(50);
    expect(sent).toBeLessThanOrEqual(51);
  });

  it("handles rates below one per second and never stores more than the burst", () => {
    const { clock, limiter: bucket } = limiter(0.5);
    expect(bucket.burst).toBe(1);
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(2000);
    clock.now = 60_000;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(2000);
  });

  it("takes a token back", () => {
    const { limiter: bucket } = limiter(1);
    expect(bucket.take()).toBe(0);
    bucket.giveBack();
    expect(bucket.take()).toBe(0);
  });

  it("refuses rates that are not positive numbers", () => {
    expect(() => new RateLimiter(0)).toThrow(
      /config\.rateLimit must be a number of deliveries per second above 0; got 0\. Fix:/,
    );
    expect(() => new RateLimiter(Number.NaN)).toThrow(/rateLimit/);
    expect(() => new RateLimiter(5, 0)).toThrow(/config\.rateLimitBurst must be a number ≥ 1/);
  });
});
