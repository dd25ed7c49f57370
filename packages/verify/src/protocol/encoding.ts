/**
 * Hex and base64 without Node's Buffer: the one set of byte converters the
 * protocol and the web primitives share.
 *
 * @module
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const BASE64_VALUE = new Int16Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) BASE64_VALUE[BASE64.charCodeAt(i)] = i;
// Canonical padded base64, as the Standard Webhooks libraries write it.
const BASE64_PATTERN = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

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
  for (const byte of bytes) out += HEX[byte];
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

/**
 * Padded standard base64 of `bytes`.
 *
 * @example
 * ```ts
 * toBase64(new Uint8Array([251, 255])); // "+/8="
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] ?? 0) << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += digit(n >> 18) + digit(n >> 12) + digit(n >> 6) + digit(n);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = ((bytes[i] ?? 0) << 16) | (rest === 2 ? (bytes[i + 1] ?? 0) << 8 : 0);
    out += digit(n >> 18) + digit(n >> 12) + (rest === 2 ? `${digit(n >> 6)}=` : "==");
  }
  return out;
}

/** The base64 digit of the low 6 bits of `n`. */
function digit(n: number): string {
  return BASE64.charAt(n & 63);
}

/**
 * Bytes of canonical padded base64, or `undefined` when `text` is not that
 * (wrong length, other alphabet, misplaced padding). Strict on purpose: a
 * signature or key has exactly one valid spelling.
 *
 * @example
 * ```ts
 * fromBase64("+/8="); // Uint8Array [251, 255]
 * fromBase64("+/8"); // undefined
 * ```
 */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!BASE64_PATTERN.test(text)) return undefined;
  const padding = text.endsWith("==") ? 2 : text.endsWith("=") ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n =
      (value(text, i) << 18) |
      (value(text, i + 1) << 12) |
      (value(text, i + 2) << 6) |
      value(text, i + 3);
    if (o < out.length) out[o++] = n >> 16;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

/** Value of the base64 digit at `index`; padding counts as 0. */
function value(text: string, index: number): number {
  return Math.max(0, BASE64_VALUE[text.charCodeAt(index)] ?? 0);
}

/**
 * True when two ASCII strings are equal. Lengths are compared first (they are
 * public: every signature of one scheme has the same length); the characters
 * are compared without early exit, so the time taken does not say where the
 * first difference is.
 *
 * @example
 * ```ts
 * constantTimeEqual("v1,abc=", "v1,abc="); // true
 * ```
 */
export function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
