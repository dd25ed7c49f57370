import { describe, expect, it } from "vitest";
import { SVIX_SCHEDULE } from "../scheduler/retry-schedule";
import { resolveConfigs } from "./resolve-configs";

const url = "https://hooks.example.com/attesta?tenant=1";

describe("resolveConfigs", () => {
  it("fills in the documented defaults", () => {
    expect(resolveConfigs([{ url }])).toEqual([
      {
        id: expect.stringMatching(/^ep_[0-9a-f]{16}$/),
        url,
        origin: "https://hooks.example.com",
        path: "/attesta?tenant=1",
        label: "https://hooks.example.com/attesta",
        shownUrl: url,
        format: undefined,
        events: "all",
        secret: undefined,
        scheme: "attesta",
        timeoutMs: 5000,
        retryCount: 1,
        retryBaseDelayMs: 500,
        retryMaxDelayMs: 30_000,
        concurrency: 10,
        maxQueueSize: 10_000,
        overflow: "drop-oldest",
        delivery: {
          retry: expect.objectContaining({ maxRetries: 1 }),
          health: {},
          rateLimit: undefined,
          rateLimitBurst: undefined,
          ordered: false,
        },
      },
    ]);
  });

  it("derives a stable id from position and URL unless the config names one", () => {
    const [first, second, named] = resolveConfigs([{ url }, { url }, { url, id: "billing.v2" }]);
    const [again] = resolveConfigs([{ url }]);
    expect(first?.id).toBe(again?.id);
    expect(second?.id).toMatch(/^ep_[0-9a-f]{16}$/);
    expect(second?.id).not.toBe(first?.id);
    expect(named?.id).toBe("billing.v2");
    expect(resolveConfigs([{ url: `${url}&x` }])[0]?.id).not.toBe(first?.id);
  });

  it("rejects a malformed or repeated id", () => {
    expect(() => resolveConfigs([{ url, id: "has space" }])).toThrow(
      /config\[0\]\.id must be 1 to 64 letters, digits/,
    );
    expect(() => resolveConfigs([{ url, id: "" }])).toThrow(/config\[0\]\.id must be/);
    expect(() =>
      resolveConfigs([
        { url, id: "a" },
        { url, id: "a" },
      ]),
    ).toThrow(/config\[1\]\.id "a" is already the id of config\[0\]\. Fix:/);
  });

  it("treats a missing or empty events list as every event, and takes custom event names", () => {
    expect(resolveConfigs([{ url, events: [] }])[0]?.events).toBe("all");
    expect(resolveConfigs([{ url, events: ["order.placed", "approved"] }])[0]?.events).toEqual([
      "order.placed",
      "approved",
    ]);
  });

  it("resolves the fleet options: retry schedule, health, rate limit, order", () => {
    const [config] = resolveConfigs([
      {
        url,
        retrySchedule: "svix",
        circuitBreaker: { consecutiveFailures: 3 },
        disableAfterMs: 60_000,
        rateLimit: 20,
        ordered: true,
      },
    ]);
    expect(config?.delivery.retry.maxRetries).toBe(SVIX_SCHEDULE.length);
    expect(config?.delivery.health).toEqual({
      circuitBreaker: { consecutiveFailures: 3 },
      disableAfterMs: 60_000,
    });
    expect(config?.delivery.rateLimit).toBe(20);
    expect(config?.concurrency).toBe(1);
  });

  it("never prints the password or query of a URL it cannot parse", () => {
    const attempt = () => resolveConfigs([{ url: "https://user:PW@host:99999/hook?token=abc" }]);
    expect(attempt).toThrow(
      /config\[0\]\.url must be an absolute http\(s\) URL; got "https:\/\/REDACTED@host:99999\/hook\?REDACTED"\. Fix:/,
    );
    let message = "";
    try {
      attempt();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).not.toContain("PW");
    expect(message).not.toContain("abc");
  });

  it.each([
    [
      { url: "not a url" },
      /config\[0\]\.url must be an absolute http\(s\) URL; got "not a url"\. Fix: include the scheme/,
    ],
    [
      { url: "ftp://example.com/x" },
      /config\[0\]\.url must be an http: or https: URL; got "ftp:\/\/example.com\/x"/,
    ],
    [{ url: 42 }, /config\[0\]\.url must be an absolute http\(s\) URL string; got 42/],
    [{ url: "https://user:pw@example.com/" }, /config\[0\]\.url must not contain credentials/],
    [{ url, retryCount: -1 }, /config\[0\]\.retryCount must be an integer ≥ 0 .*; got -1\. Fix:/],
    [{ url, retryCount: 1.5 }, /config\[0\]\.retryCount must be an integer/],
    [{ url, timeoutMs: 0 }, /config\[0\]\.timeoutMs must be an integer ≥ 1/],
    [{ url, timeoutMs: Number.POSITIVE_INFINITY }, /config\[0\]\.timeoutMs must be/],
    [{ url, concurrency: 0 }, /config\[0\]\.concurrency must be an integer ≥ 1/],
    [{ url, maxQueueSize: "10" }, /config\[0\]\.maxQueueSize must be an integer ≥ 1 .*; got "10"/],
    [{ url, retryBaseDelayMs: -5 }, /config\[0\]\.retryBaseDelayMs must be a number ≥ 0/],
    [
      { url, overflow: "block" },
      /config\[0\]\.overflow must be "drop-oldest" or "drop-newest"; got "block"/,
    ],
    [{ url, events: ["approved", ""] }, /config\[0\]\.events\[1\] must be a non-empty event name/],
    [
      { url, events: ["APPROVED"] },
      /config\[0\]\.events\[0\] must be an event name as the bus emits it; got "APPROVED"\. Fix: use the lower-case name "approved" \(EventType\.APPROVED\)/,
    ],
    [{ url, events: "approved" }, /config\[0\]\.events must be an array of event names/],
    [{ url, retrySchedule: "linear" }, /config\[0\]\.retrySchedule must be "exponential", "svix"/],
    [{ url, rateLimit: 0 }, /config\[0\]\.rateLimit must be a number of deliveries per second/],
    [
      { url, ordered: true, concurrency: 4 },
      /config\[0\]\.concurrency must be 1 \(or left out\) when ordered/,
    ],
    [{ url, circuitBreaker: { failureRate: 2 } }, /config\[0\]\.circuitBreaker\.failureRate/],
    [{ url, secret: "" }, /config\[0\]\.secret must be a non-empty string; got an empty string/],
    [
      { url, retries: 3 },
      /config\[0\]\.retries is not a known option\. Fix: remove it or correct its name; the valid keys are url, events, secret, timeoutMs, retryCount/,
    ],
  ])("rejects %j with a TypeError naming the field and the fix", (config, message) => {
    const attempt = () => resolveConfigs([{ url }, config]);
    expect(attempt).toThrow(TypeError);
    expect(attempt).toThrow(/^@attesta\/webhooks: /);
    expect(attempt).toThrow(new RegExp(message.source.replace("config\\[0\\]", "config\\[1\\]")));
  });

  it("never echoes a secret of the wrong type", () => {
    const attempt = () => resolveConfigs([{ url, secret: { key: "whsec_real_secret_value" } }]);
    expect(attempt).toThrow(/secret must be a non-empty string; got a value of type /);
    expect(attempt).not.toThrow(/whsec_real_secret_value/);
  });

  it("rejects configs that are not an array of objects", () => {
    expect(() => resolveConfigs({ url })).toThrow(
      /configs must be an array of endpoint configs; got an object/,
    );
    expect(() => resolveConfigs([null])).toThrow(
      /config\[0\] must be an object with a url; got null/,
    );
  });
});
