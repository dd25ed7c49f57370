import { createHmac, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { toHex } from "./hex";
import { hmacSha256 } from "./hmac-sha256";

const hex = (value: string) => Uint8Array.from(Buffer.from(value, "hex"));
const text = (value: string) => new TextEncoder().encode(value);

describe("hmacSha256 (portable)", () => {
  // RFC 4231 test cases 1, 2, 3, 4, 6 and 7 (5 is truncated output).
  const vectors: [string, Uint8Array, Uint8Array, string][] = [
    [
      "case 1",
      hex("0b".repeat(20)),
      text("Hi There"),
      "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
    ],
    [
      "case 2",
      text("Jefe"),
      text("what do ya want for nothing?"),
      "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    ],
    [
      "case 3",
      hex("aa".repeat(20)),
      hex("dd".repeat(50)),
      "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
    ],
    [
      "case 4",
      hex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
      hex("cd".repeat(50)),
      "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
    ],
    [
      "case 6",
      hex("aa".repeat(131)),
      text("Test Using Larger Than Block-Size Key - Hash Key First"),
      "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
    ],
    [
      "case 7",
      hex("aa".repeat(131)),
      text(
        "This is a test using a larger than block-size key and a larger than block-size data. " +
          "The key needs to be hashed before being used by the HMAC algorithm.",
      ),
      "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
    ],
  ];

  for (const [label, key, data, expected] of vectors) {
    it(`matches RFC 4231 ${label}`, () => {
      expect(toHex(hmacSha256(key, data))).toBe(expected);
    });
  }

  it("matches node:crypto for every length around the 64-byte block and padding boundaries", () => {
    const data = randomBytes(300);
    for (let length = 0; length <= 300; length++) {
      const slice = data.subarray(0, length);
      const expected = createHmac("sha256", "whsec_key").update(slice).digest("hex");
      expect(toHex(hmacSha256("whsec_key", slice)), `length ${length}`).toBe(expected);
    }
  });

  it("matches node:crypto for keys of 0 to 200 bytes given as strings", () => {
    for (let length = 1; length <= 200; length += 7) {
      const key = "k\u00e9".repeat(length).slice(0, length);
      expect(toHex(hmacSha256(key, text("body")))).toBe(
        createHmac("sha256", key).update("body").digest("hex"),
      );
    }
  });

  it("matches node:crypto for a large body", () => {
    const data = randomBytes(1024 * 1024 + 13);
    expect(toHex(hmacSha256("k", data))).toBe(createHmac("sha256", "k").update(data).digest("hex"));
  });
});
