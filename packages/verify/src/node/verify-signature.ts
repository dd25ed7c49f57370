/**
 * Verification on node:crypto.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { timingSafeEqual } from "node:crypto";
import { assertSignableBody } from "../assert-signable-body";
import { isWellFormedSignature } from "../is-well-formed-signature";
import { normalizeSecrets } from "../normalize-secrets";
import type { SecretOrSecrets, SignableBody } from "../types";
import { hmacHex } from "./hmac-hex";

// Reused scratch space for the comparison: the check is synchronous, so one
// pair of 64-byte views serves every call without allocating.
const scratch = Buffer.alloc(128);
const expectedView = scratch.subarray(0, 64);
const receivedView = scratch.subarray(64, 128);

/** Constant-time comparison of two 64-character lower-case hex strings. */
function hexEqual(expected: string, signature: string): boolean {
  expectedView.write(expected, 0, 64, "latin1");
  // The signature is already known to be `sha256=` plus 64 hex digits.
  receivedView.write(signature.slice(7), 0, 64, "latin1");
  return timingSafeEqual(expectedView, receivedView);
}

/**
 * Checks an `X-Attesta-Signature` header against the exact body bytes.
 *
 * Returns `false`, never throws, for any malformed signature: missing, empty,
 * wrong prefix, wrong length, upper-case, non-hex or non-ASCII. The digest
 * comparison is constant-time (`crypto.timingSafeEqual`) behind a shape and
 * length check. With an array of secrets (rotation) any one may match.
 *
 * @param body - the raw body as received; never a re-serialised object.
 * @param signature - the header value, possibly `undefined` or `null`.
 * @param secret - one secret or several; missing or empty throws `TypeError`.
 * @example
 * ```ts
 * import { sign, verifySignature } from "@attesta/verify";
 *
 * const body = '{"event":"APPROVED","timestamp":"2025-06-15T14:32:18.123+00:00","data":{}}';
 * verifySignature(body, sign(body, "whsec_test"), "whsec_test"); // true
 * verifySignature(body, "sha256=00", "whsec_test"); // false
 * verifySignature(body, sign(body, "old"), ["new", "old"]); // true
 * ```
 */
export function verifySignature(
  body: SignableBody,
  signature: string | null | undefined,
  secret: SecretOrSecrets,
): boolean {
  const secrets = typeof secret === "string" && secret.length > 0 ? null : normalizeSecrets(secret);
  if (!isWellFormedSignature(signature)) {
    assertSignableBody(body);
    return false;
  }
  if (secrets === null) return hexEqual(hmacHex(body, secret as string), signature);
  let matched = false;
  for (const candidate of secrets) {
    // Every secret is checked so timing does not reveal which one matched.
    if (hexEqual(hmacHex(body, candidate), signature)) matched = true;
  }
  return matched;
}
