/**
 * Raw bytes an application or body parser kept beside the parsed body.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/**
 * The bytes of a saved raw body (`req.rawBody`, `ctx.request.rawBody`):
 * Buffers and Uint8Arrays as they are, strings as UTF-8, anything else
 * `undefined`.
 *
 * @example
 * ```ts
 * const saved = savedRawBody(ctx.request.rawBody);
 * if (saved !== undefined) verifySignature(saved, signature, secret);
 * ```
 */
export function savedRawBody(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (typeof value === "string") return Buffer.from(value, "utf8");
  return undefined;
}
