import { describe, expect, it } from "vitest";
import { constantTimeEqual } from "./constant-time-equal";
import { fromHex, toHex } from "./hex";

describe("toHex and fromHex", () => {
  it("round-trip every byte value in lower case", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const hex = toHex(bytes);
    expect(hex).toBe(Buffer.from(bytes).toString("hex"));
    expect(fromHex(`sha256=${hex}`, 7)).toEqual(bytes);
  });
});

describe("constantTimeEqual", () => {
  it("is true only for equal bytes of equal length", () => {
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2))).toBe(true);
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(constantTimeEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false);
    expect(constantTimeEqual(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });
});
