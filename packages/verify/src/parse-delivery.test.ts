import { describe, expect, it } from "vitest";
import { sign } from "./node/sign";
import { verifySignature } from "./node/verify-signature";
import { parseDelivery } from "./parse-delivery";
import { AttestaVerificationError } from "./verification-error";

const bytes = (text: string) => new TextEncoder().encode(text);
const SECRET = "s";

function rejection(body: string, signature: string | undefined): AttestaVerificationError {
  try {
    parseDelivery(bytes(body), signature, SECRET, verifySignature);
  } catch (error) {
    if (error instanceof AttestaVerificationError) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("parseDelivery", () => {
  it("returns the parsed payload of a correctly signed body", () => {
    const body = '{"event":"DENIED","timestamp":"t","data":{"reason":"no"}}';
    expect(parseDelivery(bytes(body), sign(body, SECRET), SECRET, verifySignature)).toEqual(
      JSON.parse(body),
    );
  });

  it("checks the signature before looking at the body", () => {
    expect(rejection("not json", undefined)).toMatchObject({
      code: "missing_signature",
      status: 401,
    });
    expect(rejection("not json", sign("other", SECRET))).toMatchObject({
      code: "invalid_signature",
      status: 401,
    });
  });

  it("rejects signed bodies that are not UTF-8 JSON with 400 and the parse error as cause", () => {
    const error = rejection("{", sign("{", SECRET));
    expect(error).toMatchObject({ code: "invalid_json", status: 400 });
    expect(error.cause).toBeInstanceOf(SyntaxError);
    const invalidUtf8 = new Uint8Array([0x22, 0xff, 0x22]);
    expect(() =>
      parseDelivery(invalidUtf8, sign(invalidUtf8, SECRET), SECRET, verifySignature),
    ).toThrow(expect.objectContaining({ code: "invalid_json" }));
  });

  it("rejects signed JSON without event, timestamp and data as invalid_payload", () => {
    for (const body of [
      "null",
      "[]",
      '"x"',
      '{"event":"A","timestamp":"t"}',
      '{"event":1,"timestamp":"t","data":{}}',
    ]) {
      expect(rejection(body, sign(body, SECRET)).code, body).toBe("invalid_payload");
    }
  });
});
