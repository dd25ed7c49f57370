import { afterEach, describe, expect, it, vi } from "vitest";
import { logHandlerError } from "./log-handler-error";

const event = {
  type: "denied",
  timestamp: 1,
  data: { agent_id: "a", action_name: "b", risk_score: 1, risk_level: "high" },
} as const;

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
});

describe("logHandlerError", () => {
  it("writes the handler name, the event type, the error and the event to console.error", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    const error = new Error("boom");
    logHandlerError(error, { event, handler: function sendAlert() {} });
    expect(log).toHaveBeenCalledOnce();
    const [message, logged, extra] = log.mock.calls[0]!;
    expect(message).toBe(
      '@attesta/events: handler "sendAlert" for event "denied" failed; the other handlers still ran. ' +
        "Pass an onError option to EventBus to handle handler errors yourself.",
    );
    expect(logged).toBe(error);
    expect(extra).toEqual({ event });
  });

  it("names anonymous handlers as such", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    logHandlerError("x", { event, handler: [() => {}][0]! });
    expect(log.mock.calls[0]![0]).toContain('handler "<anonymous>"');
  });

  it("does nothing in a runtime without a console", () => {
    vi.stubGlobal("console", undefined);
    expect(() => logHandlerError(new Error("boom"), { event, handler: () => {} })).not.toThrow();
  });

  it("never throws, even when console.error does", () => {
    vi.spyOn(console, "error").mockImplementation(() => {
      throw new Error("console is broken");
    });
    expect(() => logHandlerError(new Error("boom"), { event, handler: () => {} })).not.toThrow();
  });
});
