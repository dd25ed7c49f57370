/**
 * Imported Web Crypto HMAC keys, reused per secret.
 *
 * @module
 */

// Derived from the global so the code needs neither the DOM lib nor Node's types.
type CryptoKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

const MAX_CACHED_KEYS = 32;
const cache = new Map<string, Promise<CryptoKey>>();
const encoder = new TextEncoder();

/**
 * Returns the HMAC-SHA256 `CryptoKey` for `secret`. Importing is the slow part
 * of a Web Crypto HMAC, so each secret is imported once (bounded cache).
 *
 * @example
 * ```ts
 * const key = await cryptoKey("whsec_test");
 * const mac = await crypto.subtle.sign("HMAC", key, bytes);
 * ```
 */
export function cryptoKey(secret: string): Promise<CryptoKey> {
  let key = cache.get(secret);
  if (key === undefined) {
    key = globalThis.crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    // A failed import must not poison the cache for later calls.
    key.catch(() => cache.delete(secret));
    if (cache.size >= MAX_CACHED_KEYS) cache.delete(cache.keys().next().value as string);
    cache.set(secret, key);
  }
  return key;
}
