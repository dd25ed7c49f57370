/**
 * Synchronous verification without Node built-ins.
 *
 * @module
 */
import { assertSignableBody } from "../assert-signable-body";
import { isWellFormedSignature } from "../is-well-formed-signature";
import { normalizeSecrets } from "../normalize-secrets";
import type { SecretOrSecrets, SignableBody } from "../types";
import { constantTimeEqual } from "./constant-time-equal";
import { fromHex } from "./hex";
import { hmacSha256 } from "./hmac-sha256";
import { toBytes } from "./to-bytes";

/**
 * Checks an `X-Attesta-Signature` header against the exact body bytes and
 * returns a boolean synchronously. Same contract as the Node build: `false`
 * for any malformed signature, `TypeError` for a missing secret. This build
 * hashes in plain JavaScript (Web Crypto has no synchronous API); prefer
 * {@link verifySignatureAsync} on edge runtimes for large bodies.
 *
 * @example
 * ```ts
 * import { verifySignature } from "@attesta/verify";
 *
 * verifySignature(rawBody, request.headers.get("x-attesta-signature"), env.ATTESTA_SECRET);
 * ```
 */
export function verifySignature(
  body: SignableBody,
  signature: string | null | undefined,
  secret: SecretOrSecrets,
): boolean {
  const secrets = normalizeSecrets(secret);
  assertSignableBody(body);
  if (!isWellFormedSignature(signature)) return false;
  const received = fromHex(signature, 7);
  const bytes = toBytes(body);
  let matched = false;
  for (const candidate of secrets) {
    if (constantTimeEqual(hmacSha256(candidate, bytes), received)) matched = true;
  }
  return matched;
}
