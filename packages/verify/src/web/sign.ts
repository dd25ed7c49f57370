/**
 * Synchronous signing without Node built-ins.
 *
 * @module
 */
import { SIGNATURE_PREFIX } from "../constants";
import { assertSigningSecret } from "../normalize-secrets";
import type { SignableBody } from "../types";
import { toHex } from "./hex";
import { hmacSha256 } from "./hmac-sha256";
import { toBytes } from "./to-bytes";

/**
 * Signs `body` and returns the full `X-Attesta-Signature` header value,
 * `sha256=<lower-case hex HMAC-SHA256>`. This build (browsers, Workers,
 * anything without the `node` condition) hashes in plain JavaScript so the
 * call stays synchronous; use {@link signAsync} for Web Crypto.
 *
 * @example
 * ```ts
 * import { sign } from "@attesta/verify";
 *
 * const header = sign('{"event":"APPROVED"}', "whsec_test"); // "sha256=…"
 * ```
 */
export function sign(body: SignableBody, secret: string): string {
  assertSigningSecret(secret);
  return SIGNATURE_PREFIX + toHex(hmacSha256(secret, toBytes(body)));
}
