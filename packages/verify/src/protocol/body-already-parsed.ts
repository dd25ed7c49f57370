/**
 * The misconfiguration error for a body a parser consumed.
 *
 * @module
 */
import { AttestaVerificationError } from "./verification-error";

/**
 * Builds the 500 error for a request whose body a parser already consumed
 * without keeping the raw bytes. `fix` names the framework-specific remedy.
 *
 * @example
 * ```ts
 * throw bodyAlreadyParsed("mount verifyAttesta() before express.json()");
 * ```
 */
export function bodyAlreadyParsed(fix: string): AttestaVerificationError {
  return new AttestaVerificationError(
    "body_already_parsed",
    "@attesta/verify: the request body was already consumed by a body parser, so the raw bytes the signature " +
      "covers are gone and the delivery cannot be verified (re-serialising parsed JSON would not reproduce them). " +
      `Fix: ${fix}`,
  );
}
