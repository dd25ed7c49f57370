/**
 * Prepared HMAC keys for the node:crypto path.
 *
 * @module
 */
import { createSecretKey, type KeyObject } from "node:crypto";

// Receivers use one or two secrets; the bound only stops a caller that signs
// with many distinct secrets from growing memory without limit.
const MAX_CACHED_KEYS = 32;
const cache = new Map<string, KeyObject>();

/**
 * Returns a `KeyObject` for `secret`, created once and reused: handing
 * `createHmac` a prepared key skips re-importing the secret on every call.
 *
 * @example
 * ```ts
 * const digest = createHmac("sha256", hmacKey("whsec_1")).update(body).digest();
 * ```
 */
export function hmacKey(secret: string): KeyObject {
  let key = cache.get(secret);
  if (key === undefined) {
    key = createSecretKey(secret, "utf8");
    if (cache.size >= MAX_CACHED_KEYS) {
      const oldest = cache.keys().next().value as string;
      cache.delete(oldest);
    }
    cache.set(secret, key);
  }
  return key;
}
