/**
 * Lower-case hex conversion without Node's Buffer.
 *
 * @module
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Lower-case hex of `bytes`.
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([0, 255])); // "00ff"
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!];
  return out;
}

/**
 * Bytes of a lower-case hex string starting at `offset`. The caller has
 * already checked the characters, so no validation happens here.
 *
 * @example
 * ```ts
 * fromHex("sha256=00ff", 7); // Uint8Array [0, 255]
 * ```
 */
export function fromHex(hex: string, offset = 0): Uint8Array {
  const out = new Uint8Array((hex.length - offset) >> 1);
  for (let i = 0; i < out.length; i++) {
    out[i] = Number.parseInt(hex.slice(offset + i * 2, offset + i * 2 + 2), 16);
  }
  return out;
}
