/**
 * The few operations the verifier engine needs from a crypto library. Each
 * runtime provides one implementation (node:crypto, Web Crypto, and the
 * synchronous web fallback); the algorithms live once, in the engine.
 *
 * @module
 */
import type { MaybePromise } from "./maybe-promise";

/** Crypto primitives of one runtime. Keys are opaque to the engine. */
export interface CryptoPrimitives {
  /** Prepares an HMAC-SHA256 key from raw bytes (the engine caches the result). */
  hmacKey(raw: Uint8Array): MaybePromise<unknown>;
  /**
   * HMAC-SHA256 over the concatenation of `parts` (strings as UTF-8), encoded
   * as lower-case hex or padded base64: node:crypto encodes natively, which
   * measures faster than handing bytes back.
   */
  hmac(
    key: unknown,
    parts: readonly (string | Uint8Array)[],
    encoding: "hex" | "base64",
  ): MaybePromise<string>;
  /** Prepares an ed25519 signing key from its 32-byte seed. */
  ed25519SecretKey(seed: Uint8Array): MaybePromise<unknown>;
  /** Prepares an ed25519 verification key from its 32 raw bytes. */
  ed25519PublicKey(raw: Uint8Array): MaybePromise<unknown>;
  ed25519Sign(key: unknown, data: Uint8Array): MaybePromise<Uint8Array>;
  ed25519Verify(key: unknown, data: Uint8Array, signature: Uint8Array): MaybePromise<boolean>;
  /**
   * Equality of two ASCII strings (encoded signatures) in time that does not
   * depend on where they differ. Different lengths return false at once:
   * every signature of one scheme has the same, public, length.
   */
  equal(a: string, b: string): boolean;
  /** The UTF-8 bytes of `text`. */
  bytes(text: string): Uint8Array;
  toBase64(bytes: Uint8Array): string;
}
