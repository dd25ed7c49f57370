/**
 * The 413 error.
 *
 * @module
 */
import { AttestaVerificationError } from "./verification-error";

/**
 * Builds the 413 `payload_too_large` error for a body over `limit` bytes.
 *
 * @example
 * ```ts
 * throw payloadTooLarge(1048576);
 * ```
 */
export function payloadTooLarge(limit: number): AttestaVerificationError {
  return new AttestaVerificationError(
    "payload_too_large",
    `Request body exceeds maxBodyBytes (${limit} bytes).`,
  );
}
