import { describe, expect, it } from "vitest";
import { BlockedAddressError, WebhookBlockedAddressError } from "../errors";
import { summarizeFailure } from "./failure-summary";

describe("summarizeFailure", () => {
  it("carries the receiver's code and message for an HTTP failure", () => {
    expect(
      summarizeFailure({
        errorKind: "http_status",
        status: 401,
        error: new Error("https://h/hook answered HTTP 401 (attempt 1)"),
        responseBody: '{"error":{"code":"invalid_signature","message":"Invalid signature."}}',
      }),
    ).toEqual({
      kind: "http_status",
      status: 401,
      message: "https://h/hook answered HTTP 401 (attempt 1)",
      receiverCode: "invalid_signature",
      receiverMessage: "Invalid signature.",
    });
  });

  it("has no status or receiver fields for a failure below HTTP, and nothing for a success", () => {
    expect(
      summarizeFailure({
        errorKind: "timeout",
        status: undefined,
        error: new Error("no answer"),
        responseBody: undefined,
      }),
    ).toEqual({ kind: "timeout", message: "no answer" });
    expect(
      summarizeFailure({ errorKind: undefined, status: 204, error: undefined, responseBody: "" }),
    ).toBeUndefined();
  });
});

describe("WebhookBlockedAddressError", () => {
  it("names the address, its range and the fix, with the policy error as cause", () => {
    const cause = new BlockedAddressError("hooks.test", "10.0.0.7", "private");
    const error = new WebhookBlockedAddressError({
      endpoint: "http://hooks.test/hook",
      deliveryId: "d1",
      attempt: 1,
      cause,
    });
    expect(error.message).toBe(
      'http://hooks.test/hook was not attempted: hooks.test resolved to 10.0.0.7, which is a private address, blocked by network.denyPrivate (attempt 1). Fix: add "10.0.0.7" (or its range) to network.allow if this endpoint is trusted.',
    );
    expect(error).toMatchObject({ kind: "blocked_address", address: "10.0.0.7", range: "private" });
    expect(error.cause).toBe(cause);
  });
});
