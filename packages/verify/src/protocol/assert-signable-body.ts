/**
 * Argument validation for bodies.
 *
 * @module
 */
import { bodyTypeError } from "./body-type-error";
import type { SignableBody } from "./types";

/**
 * Throws a `TypeError` unless `body` is a string, an `ArrayBuffer` or an
 * `ArrayBufferView`. Passing a parsed object is a programmer error that must
 * surface even when the signature header is missing.
 *
 * @example
 * ```ts
 * assertSignableBody('{"event":"APPROVED"}'); // ok
 * assertSignableBody({ event: "APPROVED" }); // throws TypeError
 * ```
 */
export function assertSignableBody(body: unknown): asserts body is SignableBody {
  if (typeof body !== "string" && !(body instanceof ArrayBuffer) && !ArrayBuffer.isView(body)) {
    throw bodyTypeError(body);
  }
}
