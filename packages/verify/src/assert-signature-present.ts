/**
 * The cheapest rejection: no signature header at all.
 *
 * @module
 */
import { SIGNATURE_HEADER } from "./constants";
import { AttestaVerificationError } from "./verification-error";

/**
 * Throws the 401 `missing_signature` error when the header is absent or
 * empty, so middleware can refuse before reading the body.
 *
 * @example
 * ```ts
 * assertSignaturePresent(req.headers["x-attesta-signature"]);
 * ```
 */
export function assertSignaturePresent(
  signature: string | null | undefined,
): asserts signature is string {
  if (signature === undefined || signature === null || signature === "") {
    throw new AttestaVerificationError("missing_signature", `Missing ${SIGNATURE_HEADER} header.`);
  }
}
