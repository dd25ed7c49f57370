import { describe, expect, it } from "vitest";
import type { FailureSummary } from "../reporting/operator-events";
import {
  DEFAULT_DISABLE_AFTER_MS,
  EndpointHealth,
  type EndpointHealthOptions,
} from "./endpoint-health";

const ref = { endpointId: "ep_1", url: "https://hooks.example.com/attesta" };
const failure: FailureSummary = { kind: "http_status", status: 503, message: "HTTP 503" };
const HOUR = 3_600_000;

function setup(options: EndpointHealthOptions = {}) {
  const clock = { now: 0 };
  const events: { name: string; data: object }[] = [];
  const health = new EndpointHealth(
    ref,
    options,
    () => clock.now,
    (event) => events.push(event),
  );
  const attempt = (ok: boolean, summary: FailureSummary = failure): boolean => {
    const permit = health.acquire();
    if (permit === undefined) return false;
    health.record(permit, ok ? { ok } : { ok, failure: summary });
    return true;
  };
  return { clock, events, health, attempt, names: () => events.map((event) => event.name) };
}

describe("EndpointHealth", () => {
  it("reports failing once per stretch, every breaker change, and the recovery", () => {
    const { attempt, clock, names, events, health } = setup({
      circuitBreaker: { consecutiveFailures: 3, openMs: 1000 },
    });
    clock.now = 500;
    for (let i = 0; i < 3; i++) attempt(false);
    clock.now += 1000;
    attempt(false);
    clock.now = health.probeAt!;
    attempt(true);
    expect(names()).toEqual([
      "endpoint.failing",
      "endpoint.circuit_opened",
      "endpoint.circuit_half_open",
      "endpoint.circuit_opened",
      "endpoint.circuit_half_open",
      "endpoint.recovered",
    ]);
    expect(events[0]?.data).toMatchObject({
      ...ref,
      since: 500,
      consecutiveFailures: 3,
      lastFailure: failure,
    });
    expect(events[3]?.data).toMatchObject({ reason: "probe_failed" });
    expect(events[5]?.data).toEqual({ ...ref, since: 500, downMs: clock.now - 500 });
  });

  it("does not report a recovery for failures that never opened the breaker", () => {
    const { attempt, names } = setup();
    attempt(false);
    attempt(true);
    expect(names()).toEqual([]);
  });

  it("disables after failing without a success for disableAfterMs (5 days by default)", () => {
    expect(DEFAULT_DISABLE_AFTER_MS).toBe(5 * 24 * HOUR);
    const { attempt, clock, health, events } = setup({
      circuitBreaker: { openMs: HOUR, maxOpenMs: HOUR },
    });
    attempt(false);
    while (health.disabled === undefined) {
      clock.now = health.probeAt ?? clock.now;
      attempt(false);
      expect(clock.now).toBeLessThanOrEqual(DEFAULT_DISABLE_AFTER_MS + HOUR);
    }
    expect(clock.now).toBeGreaterThanOrEqual(DEFAULT_DISABLE_AFTER_MS);
    expect(health.disabled).toBe("failing");
    expect(events.at(-1)).toEqual({
      name: "endpoint.disabled",
      data: { ...ref, reason: "failing", since: clock.now, lastFailure: failure },
    });
    clock.now += 10 * HOUR;
    expect(attempt(true)).toBe(false);
  });

  it("starts the stretch again after a success", () => {
    const { attempt, clock, health } = setup({
      disableAfterMs: 1000,
      circuitBreaker: { consecutiveFailures: 100 },
    });
    attempt(false);
    clock.now = 900;
    attempt(true);
    clock.now = 1500;
    attempt(false);
    expect(health.disabled).toBeUndefined();
    clock.now = 2500;
    attempt(false);
    expect(health.disabled).toBe("failing");
  });

  it("disables at once on 410 Gone, unless told not to, and enables again", () => {
    const gone: FailureSummary = { kind: "http_status", status: 410, message: "HTTP 410" };
    const { attempt, health, names } = setup();
    attempt(false, gone);
    expect(health.disabled).toBe("gone");
    expect(names()).toEqual(["endpoint.disabled"]);
    expect(health.acquire()).toBeUndefined();
    expect(health.enable()).toBe(true);
    expect(health.enable()).toBe(false);
    expect(attempt(true)).toBe(true);

    const kept = setup({ disableOnGone: false });
    kept.attempt(false, gone);
    expect(kept.health.disabled).toBeUndefined();
  });

  it("reports a manual disable once", () => {
    const { health, names } = setup();
    health.disable("manual");
    health.disable("manual");
    expect(names()).toEqual(["endpoint.disabled"]);
    expect(health.acquire()).toBeUndefined();
  });

  it("refuses bad options", () => {
    expect(() => new EndpointHealth(ref, { disableAfterMs: 0 })).toThrow(
      /config\.disableAfterMs must be a number of ms above 0/,
    );
    expect(() => new EndpointHealth(ref, { disableOnGone: "no" as never })).toThrow(
      /disableOnGone/,
    );
    expect(() => new EndpointHealth(ref, { circuitBreaker: { openMs: -1 } })).toThrow(
      /config\.circuitBreaker\.openMs/,
    );
  });
});
