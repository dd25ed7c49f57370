import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { constantTimeEqual, fromBase64, fromHex, toBase64, toHex } from "./encoding";

describe("hex", () => {
  it("round-trips every byte value in lower case", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const hex = toHex(bytes);
    expect(hex).toBe(Buffer.from(bytes).toString("hex"));
    expect(fromHex(`sha256=${hex}`, 7)).toEqual(bytes);
  });
});

describe("base64", () => {
  it("encodes and decodes exactly like Buffer for every length up to 70", () => {
    for (let length = 0; length <= 70; length++) {
      const bytes = new Uint8Array(randomBytes(length));
      const text = toBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString("base64"));
      expect(fromBase64(text)).toEqual(bytes);
    }
  });

  it("refuses every non-canonical spelling", () => {
    for (const text of ["+/8", "+/8==", "+/_=", "+/8=\n", " +/8=", "=+/8", "+/-8", "ab=c"]) {
      expect(fromBase64(text), text).toBeUndefined();
    }
  });
});

describe("constantTimeEqual", () => {
  it("is true only for equal strings of equal length", () => {
    expect(constantTimeEqual("ab", "ab")).toBe(true);
    expect(constantTimeEqual("ab", "ac")).toBe(false);
    expect(constantTimeEqual("ab", "ab ")).toBe(false);
    expect(constantTimeEqual("", "")).toBe(true);
  });
});
