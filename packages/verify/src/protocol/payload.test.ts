import { describe, expect, it } from "vitest";
import { isWebhookPayload, parseWebhookPayload, toWebhookPayload } from "./payload";
import { AttestaVerificationError } from "./verification-error";

const bytes = (text: string) => new TextEncoder().encode(text);

function rejection(body: Uint8Array): AttestaVerificationError {
  try {
    parseWebhookPayload(body);
  } catch (error) {
    if (error instanceof AttestaVerificationError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("toWebhookPayload", () => {
  it("writes the upper-case event and an ISO timestamp with +00:00, as Python's isoformat()", () => {
    const payload = toWebhookPayload({
      type: "approved",
      timestamp: Date.UTC(2025, 5, 15, 14, 32, 18, 123),
      data: { agent_id: "a" },
    });
    expect(JSON.stringify(payload)).toBe(
      '{"event":"APPROVED","timestamp":"2025-06-15T14:32:18.123+00:00","data":{"agent_id":"a"}}',
    );
    expect(() => toWebhookPayload({ type: "x", timestamp: Number.NaN, data: {} })).toThrow(
      RangeError,
    );
  });
});

describe("parseWebhookPayload", () => {
  it("returns the parsed payload of a well-formed body", () => {
    const body = '{"event":"DENIED","timestamp":"t","data":{"reason":"no"}}';
    expect(parseWebhookPayload(bytes(body))).toEqual(JSON.parse(body));
    expect(isWebhookPayload(JSON.parse(body))).toBe(true);
  });

  it("rejects bodies that are not UTF-8 JSON with 400 and the parse error as cause", () => {
    const error = rejection(bytes("{"));
    expect(error).toMatchObject({ code: "invalid_json", status: 400 });
    expect(error.cause).toBeInstanceOf(SyntaxError);
    expect(rejection(new Uint8Array([0x22, 0xff, 0x22])).code).toBe("invalid_json");
  });

  it("rejects JSON without event, timestamp and data as invalid_payload", () => {
    for (const body of [
      "null",
      "[]",
      '"x"',
      '{"event":"A","timestamp":"t"}',
      '{"event":1,"timestamp":"t","data":{}}',
      '{"event":"A","timestamp":"t","data":[]}',
    ]) {
      expect(rejection(bytes(body)).code, body).toBe("invalid_payload");
    }
  });
});
