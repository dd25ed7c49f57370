/**
 * Shape check of a signature header value, before any cryptography.
 *
 * @module
 */

// Exactly the form the Python library writes: lower-case hex, nothing around it.
const SIGNATURE_PATTERN = /^sha256=[0-9a-f]{64}$/;

/**
 * True when `value` is `sha256=` followed by exactly 64 lower-case hex digits.
 * Anything else (missing, empty, upper-case, padded, non-ASCII) is false.
 *
 * @example
 * ```ts
 * isWellFormedSignature("sha256=" + "0".repeat(64)); // true
 * isWellFormedSignature("SHA256=abc"); // false
 * ```
 */
export function isWellFormedSignature(value: unknown): value is string {
  return typeof value === "string" && value.length === 71 && SIGNATURE_PATTERN.test(value);
}
