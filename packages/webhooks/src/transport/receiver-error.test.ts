import { describe, expect, it } from "vitest";
import { describeReceiverError, readReceiverError } from "./receiver-error";

const json = "application/json; charset=utf-8";

describe("readReceiverError", () => {
  it.each([
    [
      '{"error":{"code":"invalid_signature","message":"Invalid signature."}}',
      { code: "invalid_signature", message: "Invalid signature." },
    ],
    [
      '{"error":"Missing X-Attesta-Signature header.","code":"missing_signature"}',
      { code: "missing_signature", message: "Missing X-Attesta-Signature header." },
    ],
    ['{"error":"Invalid signature."}', { message: "Invalid signature." }],
    ['{"code":42,"message":"nope"}', { code: "42", message: "nope" }],
    ['{"detail":"Not authenticated"}', { message: "Not authenticated" }],
    ['{"errors":[{"code":"E1","title":"bad"}]}', { code: "E1", message: "bad" }],
    ['{"error":{"type":"auth_error"}}', { code: "auth_error" }],
  ])("reads %s", (body, expected) => {
    expect(readReceiverError(body, json)).toEqual(expected);
    expect(readReceiverError(new TextEncoder().encode(body), json)).toEqual(expected);
  });

  it("reads plain text, and nothing from HTML, empty or unrelated bodies", () => {
    expect(readReceiverError("signature\nmismatch", "text/plain")).toEqual({
      message: "signature mismatch",
    });
    expect(readReceiverError("<html>401</html>", "text/html")).toBeUndefined();
    expect(readReceiverError("", json)).toBeUndefined();
    expect(readReceiverError(undefined)).toBeUndefined();
    expect(readReceiverError('{"ok":false}', json)).toBeUndefined();
    expect(readReceiverError('{"error":', json)).toBeUndefined();
    expect(readReceiverError("[1,2]", json)).toBeUndefined();
  });

  it("cuts long messages and strips control characters", () => {
    const read = readReceiverError(JSON.stringify({ message: `a\u0007${"b".repeat(400)}` }), json);
    expect(read?.message).toHaveLength(200);
    expect(read?.message?.startsWith("a b")).toBe(true);
  });

  it("describes what was read for an error message", () => {
    expect(
      describeReceiverError({ code: "invalid_signature", message: "Invalid signature." }),
    ).toBe(' (receiver: invalid_signature, "Invalid signature.")');
    expect(describeReceiverError({ message: "x" })).toBe(' (receiver: "x")');
    expect(describeReceiverError(undefined)).toBe("");
  });
});
