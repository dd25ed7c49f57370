import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import * as node from "../index";
import * as web from "../web/index";

const BODY = '{"event":"APPROVED","timestamp":"2025-06-15T14:32:18+00:00","data":{}}';
const WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

describe.each([
  ["node:crypto", node],
  ["portable", web],
])("prepared signers (%s build)", (_, build) => {
  it("signs like sign(), for strings and bytes, with one key for many bodies", () => {
    const signer = build.createAttestaSigner("s3cr\u00e9t");
    for (const body of ["", BODY, "\u{1f600}"]) {
      const expected = `sha256=${createHmac("sha256", Buffer.from("s3cr\u00e9t")).update(body).digest("hex")}`;
      expect(signer(body)).toBe(expected);
      expect(signer(new TextEncoder().encode(body))).toBe(expected);
      expect(signer(body)).toBe(build.sign(body, "s3cr\u00e9t"));
    }
  });

  it("refuses an empty secret and a body that is not bytes", () => {
    expect(() => build.createAttestaSigner("")).toThrow(/^@attesta\/verify: secret must be/);
    const signer = build.createAttestaSigner("k");
    expect(() => signer({} as unknown as string)).toThrow(TypeError);
  });

  it("signs Standard Webhooks messages like signStandardWebhook()", () => {
    const signer = build.createStandardSigner(WHSEC);
    const value = signer(BODY, "msg_1", 1_614_265_330);
    expect(value).toBe(
      build.signStandardWebhook(BODY, { id: "msg_1", timestamp: 1_614_265_330, secret: WHSEC }),
    );
    const key = build.decodeStandardSecret(WHSEC) as Uint8Array;
    const mac = createHmac("sha256", key).update(`msg_1.1614265330.${BODY}`).digest("base64");
    expect(value).toBe(`v1,${mac}`);
    expect(() => signer(BODY, "a.b", 1)).toThrow(/id must be/);
    expect(() => build.createStandardSigner("whpk_AAAA")).toThrow(/not a Standard Webhooks/);
  });

  it("keys with raw bytes when given bytes", () => {
    const key = new Uint8Array([0xff, 0, 1]);
    expect(build.createAttestaSigner(key)(BODY)).toBe(
      `sha256=${createHmac("sha256", key).update(BODY).digest("hex")}`,
    );
    expect(build.createStandardSigner(key)(BODY, "m", 5)).toBe(
      `v1,${createHmac("sha256", key).update(`m.5.${BODY}`).digest("base64")}`,
    );
    expect(() => build.createAttestaSigner(new Uint8Array())).toThrow(/non-empty bytes/);
  });

  it("decodes only HMAC secrets, into a copy", () => {
    const key = build.decodeStandardSecret(WHSEC) as Uint8Array;
    expect(Buffer.from(key)).toEqual(Buffer.from("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "base64"));
    key.fill(0);
    expect(build.decodeStandardSecret(WHSEC)?.[0]).not.toBe(0);
    expect(build.decodeStandardSecret("not base64!")).toBeUndefined();
    expect(
      build.decodeStandardSecret(`whpk_${Buffer.alloc(32, 1).toString("base64")}`),
    ).toBeUndefined();
  });
});
