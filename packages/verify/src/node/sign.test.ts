import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sign, signAsync } from "../index";

describe("sign (node:crypto)", () => {
  it("returns sha256= and the lower-case hex HMAC-SHA256 of the body", () => {
    const body = '{"event":"APPROVED"}';
    expect(sign(body, "key")).toBe(
      `sha256=${createHmac("sha256", "key").update(body).digest("hex")}`,
    );
    expect(sign(body, "key")).toMatch(/^sha256=[0-9a-f]{64}$/);
  });

  it("matches the RFC 4231 test case 2 HMAC-SHA256", () => {
    expect(sign("what do ya want for nothing?", "Jefe")).toBe(
      "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("hashes strings as UTF-8, the same as their bytes", () => {
    const text = "caf\u00e9 \u65e5\u672c \u{1f600}";
    expect(sign(text, "k")).toBe(sign(Buffer.from(text, "utf8"), "k"));
  });

  it("keeps signatures distinct for many secrets beyond the key cache", () => {
    const signatures = new Set(Array.from({ length: 100 }, (_, i) => sign("body", `secret-${i}`)));
    expect(signatures.size).toBe(100);
    expect(sign("body", "secret-0")).toBe(
      `sha256=${createHmac("sha256", "secret-0").update("body").digest("hex")}`,
    );
  });

  it("throws a TypeError for an empty, missing or array secret", () => {
    expect(() => sign("body", "")).toThrow(
      /@attesta\/verify: secret must be a non-empty string; got an empty string/,
    );
    expect(() => sign("body", undefined as unknown as string)).toThrow(TypeError);
    expect(() => sign("body", ["a"] as unknown as string)).toThrow(TypeError);
  });

  it("resolves the same value from signAsync", async () => {
    await expect(signAsync("body", "k")).resolves.toBe(sign("body", "k"));
  });
});
