/**
 * Small helpers for talking about bytes.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** `0x0a ("\n")`: a byte with its character when it is printable or a common escape. */
export function describeByte(byte: number | undefined): string {
  if (byte === undefined) return "end of body";
  const hex = `0x${byte.toString(16).padStart(2, "0")}`;
  if (byte >= 0x20 && byte < 0x7f) return `${hex} (${JSON.stringify(String.fromCharCode(byte))})`;
  const escapes: Record<number, string> = { 10: '"\\n"', 13: '"\\r"', 9: '"\\t"' };
  return escapes[byte] ? `${hex} (${escapes[byte]})` : hex;
}

/** Offset of the first byte where `a` and `b` differ, or -1 when they are equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index += 1) if (a[index] !== b[index]) return index;
  return a.length === b.length ? -1 : length;
}

/** Lower-case hex SHA-256 of the bytes: lets two sides compare bodies without sharing them. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/** `182 B`, `1.4 KiB`. */
export function formatSize(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** `bytes 0–181 (all 182 bytes)`. */
export function describeRange(length: number): string {
  if (length === 0) return "an empty body (0 bytes)";
  return `bytes 0–${length - 1} (all ${length} bytes)`;
}
