/**
 * A circuit breaker per endpoint, after Convoy's: it opens after N failures
 * in a row or when the failure rate over a time window passes a threshold,
 * lets one probe through once its open time is over, and closes when the
 * probe succeeds. Pure logic: the clock is passed in.
 *
 * @module
 */
import { invalidOption } from "../options/invalid-option";
import { assertKnownKeys } from "../options/strict-options";

/** `closed`: attempts flow; `open`: none start; `half_open`: one probe at a time. */
export type BreakerState = "closed" | "open" | "half_open";

/** Options of the circuit breaker; every field has a default. */
export interface CircuitBreakerOptions {
  /** Failures in a row that open the breaker. Default `5`. */
  readonly consecutiveFailures?: number;
  /** Share of failed attempts in `windowMs` that opens the breaker (0 to 1). Default `0.7`. */
  readonly failureRate?: number;
  /** Attempts in the window before the failure rate is judged. Default `10`. */
  readonly minimumAttempts?: number;
  /** Length of the failure-rate window in ms. Default `60000`. */
  readonly windowMs?: number;
  /** How long the breaker stays open before a probe. Doubles after each failed probe. Default `30000`. */
  readonly openMs?: number;
  /** The longest open time after repeated failed probes. Default `600000` (10 min). */
  readonly maxOpenMs?: number;
}

/** What made the breaker change state. */
export type BreakerTransition =
  | {
      readonly to: "open";
      readonly reason: "consecutive_failures" | "failure_rate" | "probe_failed";
      readonly consecutiveFailures: number;
      /** Failed share of the attempts in the window when it opened. */
      readonly failureRate: number;
      /** Epoch ms when a probe will be let through. */
      readonly probeAt: number;
    }
  | { readonly to: "half_open" }
  | { readonly to: "closed" };

/** What `acquire` hands out: a normal attempt, or the half-open probe. */
export type BreakerPermit = "normal" | "probe";

const BUCKETS = 10;

/**
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ consecutiveFailures: 3 }, Date.now, (t) => console.log(t.to));
 * const permit = breaker.acquire();
 * if (permit) breaker.record(permit, await send());
 * ```
 */
export class CircuitBreaker {
  private current: BreakerState = "closed";
  private inARow = 0;
  private openFor: number;
  private openedUntil = 0;
  private probing = false;
  private readonly bucketStart: number[] = new Array(BUCKETS).fill(-1);
  private readonly attempts: number[] = new Array(BUCKETS).fill(0);
  private readonly failures: number[] = new Array(BUCKETS).fill(0);
  private readonly options: Required<CircuitBreakerOptions>;
  /** `circuitBreaker: false`: every attempt may start, and the breaker never opens. */
  private readonly off: boolean;

  constructor(
    options: CircuitBreakerOptions | false = {},
    private readonly now: () => number = Date.now,
    private readonly onTransition: (transition: BreakerTransition) => void = () => {},
    at = "config.circuitBreaker",
  ) {
    this.off = options === false;
    this.options = resolveBreakerOptions(options === false ? {} : options, at);
    this.openFor = this.options.openMs;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Epoch ms when an open breaker lets a probe through; `undefined` unless open. */
  get probeAt(): number | undefined {
    return this.current === "open" ? this.openedUntil : undefined;
  }

  /**
   * Asks to start an attempt now. `undefined` means wait (open, or a probe is
   * already out); otherwise pass the permit to `record` when the attempt ends.
   */
  acquire(): BreakerPermit | undefined {
    if (this.current === "closed" || this.off) return "normal";
    if (this.current === "open") {
      if (this.now() < this.openedUntil) return undefined;
      this.current = "half_open";
      this.onTransition({ to: "half_open" });
    }
    if (this.probing) return undefined;
    this.probing = true;
    return "probe";
  }

  /** Gives back a permit whose attempt never started. */
  cancel(permit: BreakerPermit): void {
    if (permit === "probe") this.probing = false;
  }

  /**
   * Records how an attempt ended. Results of attempts that started before
   * the breaker opened are ignored once it is open or half-open.
   */
  record(permit: BreakerPermit, ok: boolean): void {
    if (permit === "probe") {
      this.probing = false;
      if (this.current !== "half_open") return;
      if (ok) this.close();
      else {
        this.openFor = Math.min(this.options.maxOpenMs, this.openFor * 2);
        this.open("probe_failed");
      }
      return;
    }
    if (this.current !== "closed" || this.off) return;
    this.count(ok);
    if (ok) {
      this.inARow = 0;
      return;
    }
    this.inARow++;
    if (this.inARow >= this.options.consecutiveFailures) this.open("consecutive_failures");
    else if (this.rateExceeded()) this.open("failure_rate");
  }

  private open(reason: "consecutive_failures" | "failure_rate" | "probe_failed"): void {
    this.current = "open";
    this.openedUntil = this.now() + this.openFor;
    this.onTransition({
      to: "open",
      reason,
      consecutiveFailures: this.inARow,
      failureRate: this.windowRate().rate,
      probeAt: this.openedUntil,
    });
  }

  private close(): void {
    this.current = "closed";
    this.inARow = 0;
    this.openFor = this.options.openMs;
    this.bucketStart.fill(-1);
    this.onTransition({ to: "closed" });
  }

  private count(ok: boolean): void {
    const width = this.options.windowMs / BUCKETS;
    const start = Math.floor(this.now() / width) * width;
    const index = Math.floor(start / width) % BUCKETS;
    if (this.bucketStart[index] !== start) {
      this.bucketStart[index] = start;
      this.attempts[index] = 0;
      this.failures[index] = 0;
    }
    this.attempts[index] = (this.attempts[index] as number) + 1;
    if (!ok) this.failures[index] = (this.failures[index] as number) + 1;
  }

  private windowRate(): { attempts: number; rate: number } {
    const oldest = this.now() - this.options.windowMs;
    let attempts = 0;
    let failures = 0;
    for (let i = 0; i < BUCKETS; i++) {
      if ((this.bucketStart[i] as number) < 0 || (this.bucketStart[i] as number) <= oldest)
        continue;
      attempts += this.attempts[i] as number;
      failures += this.failures[i] as number;
    }
    return { attempts, rate: attempts === 0 ? 0 : failures / attempts };
  }

  private rateExceeded(): boolean {
    const { attempts, rate } = this.windowRate();
    return attempts >= this.options.minimumAttempts && rate >= this.options.failureRate;
  }
}

/** Validates breaker options and fills in the defaults. */
export function resolveBreakerOptions(
  options: CircuitBreakerOptions,
  at: string,
): Required<CircuitBreakerOptions> {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw invalidOption(
      at,
      "an object, or false to turn the breaker off",
      options,
      "pass e.g. { consecutiveFailures: 5 }, or false",
    );
  }
  assertKnownKeys(
    options,
    ["failureRate", "minimumAttempts", "windowMs", "consecutiveFailures", "openMs", "maxOpenMs"],
    at,
  );
  const failureRate = options.failureRate ?? 0.7;
  if (typeof failureRate !== "number" || !(failureRate > 0 && failureRate <= 1)) {
    throw invalidOption(
      `${at}.failureRate`,
      "a number above 0 and at most 1",
      failureRate,
      "pass e.g. 0.7",
    );
  }
  const positive = (value: unknown, name: string, fallback: number): number => {
    if (value === undefined) return fallback;
    if (
      typeof value !== "number" ||
      !Number.isInteger(value) ||
      value < 1 ||
      value > 2_147_483_647
    ) {
      throw invalidOption(`${at}.${name}`, "an integer ≥ 1", value, `pass e.g. ${fallback}`);
    }
    return value;
  };
  const openMs = positive(options.openMs, "openMs", 30_000);
  return {
    consecutiveFailures: positive(options.consecutiveFailures, "consecutiveFailures", 5),
    failureRate,
    minimumAttempts: positive(options.minimumAttempts, "minimumAttempts", 10),
    windowMs: positive(options.windowMs, "windowMs", 60_000),
    openMs,
    maxOpenMs: Math.max(openMs, positive(options.maxOpenMs, "maxOpenMs", 600_000)),
  };
}
