/**
 * Retry schedules as data: when the next attempt of a failed delivery is due.
 *
 * @module
 */

import { invalidOption } from "../options/invalid-option";
import { backoffDelay } from "./backoff-delay";

/**
 * When to retry: `"exponential"` (doubling steps from `retryBaseDelayMs` up
 * to `retryMaxDelayMs`, `retryCount` times, half of each step random),
 * `"svix"` (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, each ±20%), or the
 * waits themselves in ms (one retry per entry).
 */
export type RetrySchedule = "exponential" | "svix" | readonly number[];

/** The waits of the `"svix"` preset, in ms. */
export const SVIX_SCHEDULE: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  10 * 3_600_000,
];

/** Options of {@link RetryDelays}; the endpoint config's names. */
export interface RetryScheduleOptions {
  readonly retrySchedule?: RetrySchedule;
  /** Retries of the `"exponential"` schedule. Default `1`. */
  readonly retryCount?: number;
  /** First step of `"exponential"`. Default `500`. */
  readonly retryBaseDelayMs?: number;
  /** Cap of `"exponential"` steps, and of waits asked for by `Retry-After` (unless the schedule's own wait is longer). Default `30000`. */
  readonly retryMaxDelayMs?: number;
  /** Shortest wait after a `Retry-After`, so `Retry-After: 0` cannot make a retry storm. Default `1000`. */
  readonly retryMinDelayMs?: number;
  /** Shortest wait after a 429 or a timeout: the receiver is overloaded. Default `5000`. */
  readonly overloadDelayMs?: number;
  /** ± share of random spread on each wait of an explicit array (0 to 1). Default `0`. */
  readonly retryJitter?: number;
}

/** What the last attempt said about the next one. */
export interface RetryHint {
  /** The wait the receiver asked for with `Retry-After`, in ms. */
  readonly retryAfterMs?: number;
  /** The attempt ended with 429 or timed out. */
  readonly overloaded?: boolean;
}

const MAX_TIMER_MS = 2_147_483_647;

/**
 * The retry schedule of one endpoint, validated once.
 *
 * @example
 * ```ts
 * const policy = new RetryDelays({ retrySchedule: "svix" });
 * policy.maxRetries; // 7
 * policy.delayFor(1, {}); // 4000..6000
 * policy.delayFor(8, {}); // undefined: no retry left
 * ```
 */
export class RetryDelays {
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  private readonly waits: readonly number[] | undefined;
  private readonly jitter: number;
  private readonly baseMs: number;
  private readonly maxMs: number;
  private readonly minMs: number;
  private readonly overloadMs: number;

  constructor(
    options: RetryScheduleOptions = {},
    at = "config",
    private readonly random: () => number = Math.random,
  ) {
    const schedule = options.retrySchedule ?? "exponential";
    this.baseMs = ms(options.retryBaseDelayMs, `${at}.retryBaseDelayMs`, 500);
    this.maxMs = ms(options.retryMaxDelayMs, `${at}.retryMaxDelayMs`, 30_000);
    this.minMs = ms(options.retryMinDelayMs, `${at}.retryMinDelayMs`, 1000);
    this.overloadMs = ms(options.overloadDelayMs, `${at}.overloadDelayMs`, 5000);
    const jitter = options.retryJitter;
    if (jitter !== undefined && (typeof jitter !== "number" || !(jitter >= 0 && jitter <= 1))) {
      throw invalidOption(`${at}.retryJitter`, "a number from 0 to 1", jitter, "pass e.g. 0.2");
    }
    if (schedule === "exponential") {
      this.waits = undefined;
      this.jitter = 0;
      const count = options.retryCount ?? 1;
      if (
        typeof count !== "number" ||
        !Number.isInteger(count) ||
        count < 0 ||
        count > MAX_TIMER_MS
      ) {
        throw invalidOption(`${at}.retryCount`, "an integer ≥ 0", count, "pass e.g. 3");
      }
      this.maxRetries = count;
    } else if (schedule === "svix") {
      this.waits = SVIX_SCHEDULE;
      this.jitter = jitter ?? 0.2;
      this.maxRetries = SVIX_SCHEDULE.length;
    } else if (Array.isArray(schedule)) {
      for (const [index, wait] of schedule.entries()) ms(wait, `${at}.retrySchedule[${index}]`, 0);
      this.waits = [...schedule];
      this.jitter = jitter ?? 0;
      this.maxRetries = schedule.length;
    } else {
      throw invalidOption(
        `${at}.retrySchedule`,
        '"exponential", "svix" or an array of waits in ms',
        schedule,
        'pass e.g. "svix" or [1000, 60000, 600000]',
      );
    }
  }

  /**
   * The wait before retry number `retry` (1 for the first retry), or
   * `undefined` when the schedule has no retry left.
   */
  delayFor(retry: number, hint: RetryHint = {}): number | undefined {
    if (retry < 1 || retry > this.maxRetries) return undefined;
    const scheduled = this.scheduled(retry);
    let wait = scheduled;
    if (hint.retryAfterMs !== undefined) {
      // The receiver may shorten or lengthen the wait, within bounds it cannot widen; the floor
      // never rises above the ceiling, so a small retryMaxDelayMs keeps retries quick.
      const ceiling = Math.max(this.maxMs, scheduled);
      wait = Math.max(Math.min(this.minMs, ceiling), Math.min(hint.retryAfterMs, ceiling));
    }
    if (hint.overloaded) wait = Math.max(wait, this.overloadMs);
    return Math.round(wait);
  }

  private scheduled(retry: number): number {
    if (this.waits === undefined) return backoffDelay(retry, this.baseMs, this.maxMs, this.random);
    const base = this.waits[retry - 1] as number;
    return base * (1 - this.jitter + 2 * this.jitter * this.random());
  }
}

function ms(value: unknown, at: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > MAX_TIMER_MS) {
    throw invalidOption(
      at,
      `a number of ms from 0 to ${MAX_TIMER_MS}`,
      value,
      `pass e.g. ${fallback}, or leave it out for the default ${fallback}`,
    );
  }
  return value;
}
