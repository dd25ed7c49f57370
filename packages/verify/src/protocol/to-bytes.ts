/**
 * Body normalisation: every accepted body type as bytes.
 *
 * @module
 */
import { bodyTypeError } from "./body-type-error";
import type { SignableBody } from "./types";

const encoder = new TextEncoder();

/**
 * Returns the bytes of `body` without copying binary input; strings are
 * encoded as UTF-8.
 *
 * @throws TypeError when `body` is not a string or bytes.
 * @example
 * ```ts
 * toBytes("é"); // Uint8Array [0xc3, 0xa9]
 * ```
 */
export function toBytes(body: SignableBody): Uint8Array {
  if (typeof body === "string") return encoder.encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (ArrayBuffer.isView(body))
    return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
  throw bodyTypeError(body);
}
