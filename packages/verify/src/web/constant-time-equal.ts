/**
 * Byte comparison whose running time does not depend on where bytes differ.
 *
 * @module
 */

/**
 * True when `a` and `b` hold the same bytes. Lengths are compared first
 * (they are public); the contents are compared without early exit.
 *
 * @example
 * ```ts
 * constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2])); // true
 * ```
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}
