/**
 * Signing on node:crypto.
 *
 * @module
 */
import { SIGNATURE_PREFIX } from "../constants";
import { assertSigningSecret } from "../normalize-secrets";
import type { SignableBody } from "../types";
import { hmacHex } from "./hmac-hex";

/**
 * Signs `body` and returns the full `X-Attesta-Signature` header value,
 * `sha256=<lower-case hex HMAC-SHA256>`, exactly as the Python attesta
 * library writes it.
 *
 * @param body - the exact bytes that will be sent (strings are UTF-8).
 * @param secret - the shared webhook secret; empty or missing throws `TypeError`.
 * @example
 * ```ts
 * import { sign } from "@attesta/verify";
 *
 * const body = JSON.stringify({ event: "APPROVED", timestamp: "2025-06-15T14:32:18.123+00:00", data: {} });
 * const header = sign(body, "whsec_test"); // "sha256=…"
 * ```
 */
export function sign(body: SignableBody, secret: string): string {
  assertSigningSecret(secret);
  return SIGNATURE_PREFIX + hmacHex(body, secret);
}
