/**
 * The one cache of prepared keys: importing a key is the slow part of an HMAC
 * on both node:crypto and Web Crypto, so each secret is prepared once.
 *
 * @module
 */

// Receivers use one or two secrets; the bound only stops a caller that signs
// with many distinct secrets from growing memory without limit.
const MAX_CACHED_KEYS = 64;

/**
 * A bounded map from a key's identity to its prepared form. A prepared form
 * that is a rejected promise is dropped, so a failed import is retried.
 *
 * @example
 * ```ts
 * const cache = new KeyCache();
 * const key = cache.get("hmac:whsec_…", () => createSecretKey(bytes));
 * ```
 */
export class KeyCache {
  private readonly keys = new Map<string, unknown>();

  get(id: string, prepare: () => unknown): unknown {
    let key = this.keys.get(id);
    if (key === undefined) {
      key = prepare();
      if (this.keys.size >= MAX_CACHED_KEYS) {
        const oldest = this.keys.keys().next();
        if (!oldest.done) this.keys.delete(oldest.value);
      }
      this.keys.set(id, key);
      if (key instanceof Promise) key.catch(() => this.keys.delete(id));
    }
    return key;
  }
}
