/**
 * The error thrown when a body is not raw bytes.
 *
 * @module
 */

/**
 * Builds the `TypeError` for a body that is not a string or bytes. The usual
 * cause is passing a parsed JSON object, which can never be verified.
 *
 * @example
 * ```ts
 * throw bodyTypeError({ event: "APPROVED" });
 * ```
 */
export function bodyTypeError(body: unknown): TypeError {
  const got = body === null ? "null" : typeof body;
  return new TypeError(
    `@attesta/verify: body must be the raw request body as a string, Uint8Array, Buffer or ArrayBuffer; got ${got}. ` +
      'Fix: pass the exact bytes received (for example from express.raw({ type: "application/json" })), ' +
      "not a parsed JSON object: re-serialising JSON changes the bytes and the signature will never match.",
  );
}
