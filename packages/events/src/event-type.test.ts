import { describe, expect, it } from "vitest";
import { EVENT_TYPES, EventType } from "./event-type";

describe("EventType", () => {
  it("uses the exact values of the Python attesta library", () => {
    expect({ ...EventType }).toEqual({
      RISK_SCORED: "risk_scored",
      TRUST_COMPUTED: "trust_computed",
      CHALLENGE_ISSUED: "challenge_issued",
      CHALLENGE_COMPLETED: "challenge_completed",
      APPROVED: "approved",
      DENIED: "denied",
      ESCALATED: "escalated",
      AUDIT_LOGGED: "audit_logged",
    });
  });

  it("gives each name its lower-case snake value", () => {
    for (const [name, value] of Object.entries(EventType)) expect(value).toBe(name.toLowerCase());
  });
});

describe("EVENT_TYPES", () => {
  it("lists the eight events in pipeline order", () => {
    expect(EVENT_TYPES).toEqual([
      "risk_scored",
      "trust_computed",
      "challenge_issued",
      "challenge_completed",
      "approved",
      "denied",
      "escalated",
      "audit_logged",
    ]);
  });

  it("cannot be modified by callers", () => {
    expect(Object.isFrozen(EVENT_TYPES)).toBe(true);
    expect(() => (EVENT_TYPES as EventType[]).push("approved")).toThrow(TypeError);
  });
});
