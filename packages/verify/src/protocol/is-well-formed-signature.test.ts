import { describe, expect, it } from "vitest";
import { isWellFormedSignature } from "./is-well-formed-signature";

const hex = "0123456789abcdef".repeat(4);

describe("isWellFormedSignature", () => {
  it("accepts sha256= followed by 64 lower-case hex digits", () => {
    expect(isWellFormedSignature(`sha256=${hex}`)).toBe(true);
  });

  it("rejects every other shape", () => {
    for (const value of [
      undefined,
      null,
      42,
      "",
      "sha256=",
      hex,
      `sha256=${hex.toUpperCase()}`,
      `sha256=${hex}0`,
      `sha256=${hex.slice(1)}`,
      `sha256=${hex}\n`,
      `sha256=${hex.slice(1)}\u0660`,
      `sha1=${hex}`,
    ]) {
      expect(isWellFormedSignature(value), JSON.stringify(value)).toBe(false);
    }
  });
});
