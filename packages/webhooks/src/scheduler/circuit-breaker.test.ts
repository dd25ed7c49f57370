import { describe, expect, it } from "vitest";
import {
  type BreakerTransition,
  CircuitBreaker,
  type CircuitBreakerOptions,
} from "./circuit-breaker";

function setup(options: CircuitBreakerOptions = {}) {
  const clock = { now: 1_000_000 };
  const transitions: BreakerTransition[] = [];
  const breaker = new CircuitBreaker(
    options,
    () => clock.now,
    (t) => transitions.push(t),
  );
  /** Runs one attempt through the breaker; false when it was not let through. */
  const attempt = (ok: boolean): boolean => {
    const permit = breaker.acquire();
    if (permit === undefined) return false;
    breaker.record(permit, ok);
    return true;
  };
  return { clock, transitions, breaker, attempt };
}

describe("CircuitBreaker", () => {
  it("opens after N failures in a row, and a success in between resets the count", () => {
    const { breaker, attempt, transitions } = setup({ consecutiveFailures: 3 });
    attempt(false);
    attempt(false);
    attempt(true);
    attempt(false);
    attempt(false);
    expect(breaker.state).toBe("closed");
    attempt(false);
    expect(breaker.state).toBe("open");
    expect(transitions).toEqual([
      expect.objectContaining({
        to: "open",
        reason: "consecutive_failures",
        consecutiveFailures: 3,
      }),
    ]);
    expect(attempt(true)).toBe(false);
  });

  it("opens on the failure rate over the window once enough attempts were seen", () => {
    const { breaker, attempt, transitions } = setup({
      consecutiveFailures: 100,
      failureRate: 0.5,
      minimumAttempts: 6,
    });
    for (const ok of [false, true, false, true, false]) attempt(ok);
    expect(breaker.state).toBe("closed");
    attempt(false);
    expect(breaker.state).toBe("open");
    expect(transitions[0]).toMatchObject({
      to: "open",
      reason: "failure_rate",
      failureRate: 4 / 6,
    });
  });

  it("forgets failures older than the window", () => {
    const { breaker, attempt, clock } = setup({
      consecutiveFailures: 100,
      failureRate: 0.5,
      minimumAttempts: 4,
      windowMs: 10_000,
    });
    for (let i = 0; i < 3; i++) attempt(false);
    clock.now += 20_000;
    attempt(true);
    attempt(true);
    attempt(false);
    attempt(true);
    expect(breaker.state).toBe("closed");
  });

  it("lets one probe through after openMs, and closes when it succeeds", () => {
    const { breaker, attempt, clock, transitions } = setup({
      consecutiveFailures: 2,
      openMs: 1000,
    });
    attempt(false);
    attempt(false);
    expect(breaker.probeAt).toBe(clock.now + 1000);
    clock.now += 999;
    expect(breaker.acquire()).toBeUndefined();
    clock.now += 1;
    const probe = breaker.acquire();
    expect(probe).toBe("probe");
    expect(breaker.state).toBe("half_open");
    expect(breaker.acquire()).toBeUndefined();
    breaker.record(probe!, true);
    expect(breaker.state).toBe("closed");
    expect(transitions.map((t) => t.to)).toEqual(["open", "half_open", "closed"]);
    expect(attempt(false)).toBe(true);
    expect(breaker.state).toBe("closed");
  });

  it("opens again for twice as long when the probe fails, up to maxOpenMs", () => {
    const { breaker, attempt, clock, transitions } = setup({
      consecutiveFailures: 1,
      openMs: 1000,
      maxOpenMs: 3000,
    });
    attempt(false);
    const waits: number[] = [];
    for (let i = 0; i < 3; i++) {
      clock.now = breaker.probeAt!;
      attempt(false);
      waits.push(breaker.probeAt! - clock.now);
    }
    expect(waits).toEqual([2000, 3000, 3000]);
    expect(
      transitions.filter((t) => t.to === "open").map((t) => (t as { reason: string }).reason),
    ).toEqual(["consecutive_failures", "probe_failed", "probe_failed", "probe_failed"]);
    clock.now = breaker.probeAt!;
    attempt(true);
    attempt(false);
    // Closed again with the open time back at openMs.
    expect(breaker.probeAt).toBe(clock.now + 1000);
  });

  it("ignores late results of attempts started before it opened", () => {
    const { breaker, clock } = setup({ consecutiveFailures: 1, openMs: 1000 });
    const early = breaker.acquire()!;
    const failing = breaker.acquire()!;
    breaker.record(failing, false);
    breaker.record(early, true);
    expect(breaker.state).toBe("open");
    clock.now += 1000;
    const probe = breaker.acquire()!;
    breaker.record("normal", true);
    expect(breaker.state).toBe("half_open");
    breaker.cancel(probe);
    expect(breaker.acquire()).toBe("probe");
  });

  it("refuses bad options", () => {
    expect(() => new CircuitBreaker({ failureRate: 0 })).toThrow(
      /config\.circuitBreaker\.failureRate must be a number above 0 and at most 1; got 0\. Fix:/,
    );
    expect(() => new CircuitBreaker({ consecutiveFailures: 0 })).toThrow(/consecutiveFailures/);
    expect(() => new CircuitBreaker(null as never)).toThrow(/must be an object/);
  });
});
