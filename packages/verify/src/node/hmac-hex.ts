/**
 * HMAC-SHA256 over the exact body bytes, on node:crypto.
 *
 * @module
 */
import { createHmac } from "node:crypto";
import { bodyTypeError } from "../body-type-error";
import type { SignableBody } from "../types";
import { hmacKey } from "./hmac-key";

/**
 * Lower-case hex HMAC-SHA256 of `body` under `secret`. Strings are hashed as
 * UTF-8 without an intermediate copy. Hex output is used because Node builds
 * the string natively, which measures faster than returning a Buffer.
 *
 * @throws TypeError when `body` is not a string or bytes.
 * @example
 * ```ts
 * hmacHex('{"event":"APPROVED"}', "whsec_1"); // "…64 hex digits…"
 * ```
 */
export function hmacHex(body: SignableBody, secret: string): string {
  const hmac = createHmac("sha256", hmacKey(secret));
  if (typeof body === "string") hmac.update(body, "utf8");
  else if (body instanceof Uint8Array) hmac.update(body);
  else if (body instanceof ArrayBuffer) hmac.update(new Uint8Array(body));
  else if (ArrayBuffer.isView(body))
    hmac.update(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
  else throw bodyTypeError(body);
  return hmac.digest("hex");
}
