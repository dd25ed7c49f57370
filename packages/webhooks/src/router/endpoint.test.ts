import { describe, expect, it } from "vitest";
import { Endpoint } from "./endpoint";
import { resolveConfigs } from "./resolve-configs";

const [config] = resolveConfigs([{ url: "https://hooks.example.com/a", id: "a" }]);
const event = (n: number) => ({ type: "approved", timestamp: n, data: {} });

describe("Endpoint counters", () => {
  it("counts kept, evicted and refused events from what the store did not keep", () => {
    const endpoint = new Endpoint(0, config ?? ({} as never));
    const [a, b, c] = [event(1), event(2), event(3)];
    expect(endpoint.countEnqueue(a, undefined)).toBe(true);
    expect(endpoint.countEnqueue(b, a)).toBe(true);
    expect(endpoint.countEnqueue(c, c)).toBe(false);
    endpoint.countRefused();
    expect(endpoint.enqueued).toBe(2);
    expect(endpoint.dropped).toBe(3);
    expect(endpoint.takeUnreportedDrops()).toBe(2);
    expect(endpoint.takeUnreportedDrops()).toBe(0);
  });

  it("counts attempts, retries and outcomes into its stats", () => {
    const endpoint = new Endpoint(0, config ?? ({} as never));
    endpoint.countAttempt(1);
    endpoint.countAttempt(2);
    endpoint.countAttempt(1);
    endpoint.countDelivered();
    endpoint.countFailed();
    expect(endpoint.stats(4, 1)).toEqual({
      id: "a",
      url: "https://hooks.example.com/a",
      enqueued: 0,
      delivered: 1,
      failed: 1,
      dropped: 0,
      attempts: 3,
      retries: 1,
      queued: 4,
      inFlight: 1,
    });
  });
});
