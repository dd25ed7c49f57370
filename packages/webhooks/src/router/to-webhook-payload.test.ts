import { describe, expect, it } from "vitest";
import { toWebhookPayload } from "./to-webhook-payload";

describe("toWebhookPayload", () => {
  it("upper-cases the event name and writes the timestamp with +00:00", () => {
    const payload = toWebhookPayload({
      type: "approved",
      timestamp: Date.UTC(2025, 5, 15, 14, 32, 18, 123),
      data: { agent_id: "a", action_name: "deploy" },
    });
    expect(JSON.stringify(payload)).toBe(
      '{"event":"APPROVED","timestamp":"2025-06-15T14:32:18.123+00:00","data":{"agent_id":"a","action_name":"deploy"}}',
    );
  });

  it("keeps milliseconds even when they are zero", () => {
    expect(toWebhookPayload({ type: "denied", timestamp: 0, data: {} }).timestamp).toBe(
      "1970-01-01T00:00:00.000+00:00",
    );
  });

  it("throws a RangeError for a timestamp that is not a date", () => {
    expect(() => toWebhookPayload({ type: "denied", timestamp: Number.NaN, data: {} })).toThrow(
      RangeError,
    );
  });

  it("gives each event its own time and name when they alternate (the last of each is reused)", () => {
    const at = (ms: number, type: string) => toWebhookPayload({ type, timestamp: ms, data: {} });
    const first = Date.UTC(2025, 0, 1, 0, 0, 0, 1);
    const calls = [at(first, "approved"), at(first, "approved"), at(first + 1, "denied")];
    calls.push(at(first, "approved"));
    expect(() => at(Number.NaN, "approved")).toThrow(RangeError);
    calls.push(at(first + 1, "denied"));
    expect(calls.map((p) => `${p.event} ${p.timestamp}`)).toEqual([
      "APPROVED 2025-01-01T00:00:00.001+00:00",
      "APPROVED 2025-01-01T00:00:00.001+00:00",
      "DENIED 2025-01-01T00:00:00.002+00:00",
      "APPROVED 2025-01-01T00:00:00.001+00:00",
      "DENIED 2025-01-01T00:00:00.002+00:00",
    ]);
  });
});
