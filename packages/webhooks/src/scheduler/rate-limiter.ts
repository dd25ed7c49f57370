/**
 * A token bucket: at most `ratePerSecond` deliveries per second per
 * endpoint, with bursts up to `burst`.
 *
 * @module
 */
import { invalidOption } from "../options/invalid-option";

/**
 * @example
 * ```ts
 * const limiter = new RateLimiter(10); // 10 deliveries/s, bursts of 10
 * const wait = limiter.take();
 * if (wait > 0) setTimeout(retryLater, wait);
 * ```
 */
export class RateLimiter {
  private tokens: number;
  private refilledAt: number;
  readonly burst: number;

  /**
   * @param ratePerSecond - tokens added per second (fractions allowed: 0.5 is one every 2 s).
   * @param burst - most tokens kept; default `max(1, ratePerSecond)`.
   */
  constructor(
    readonly ratePerSecond: number,
    burst?: number,
    private readonly now: () => number = performance.now.bind(performance),
    at = "config.rateLimit",
  ) {
    if (typeof ratePerSecond !== "number" || !(ratePerSecond > 0) || ratePerSecond === Infinity) {
      throw invalidOption(
        at,
        "a number of deliveries per second above 0",
        ratePerSecond,
        "pass e.g. 50",
      );
    }
    this.burst = burst ?? Math.max(1, ratePerSecond);
    if (typeof this.burst !== "number" || !(this.burst >= 1) || this.burst === Infinity) {
      throw invalidOption(`${at}Burst`, "a number ≥ 1", burst, "pass e.g. 10, or leave it out");
    }
    this.tokens = this.burst;
    this.refilledAt = now();
  }

  /** Takes a token: returns 0 when one was taken, else the ms until one is available (nothing taken). */
  take(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }

  /** Ms until a token is available (0: now), without taking it. */
  nextIn(): number {
    this.refill();
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.ratePerSecond);
  }

  /** Gives a token back (a delivery taken for but not started). */
  giveBack(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  private refill(): void {
    const now = this.now();
    const elapsed = now - this.refilledAt;
    if (elapsed <= 0) return;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.refilledAt = now;
  }
}
