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
 * A bounded map from a key's kind and source string to its prepared form.
 * Kinds are separate maps, so a lookup hashes the secret as given instead of
 * a concatenated string. A prepared form that is a rejected promise is
 * dropped, so a failed import is retried.
 *
 * @example
 * ```ts
 * const cache = new KeyCache();
 * const key = cache.get("attesta", secret, () => createSecretKey(bytes));
 * ```
 */
export class KeyCache {
  private readonly kinds = new Map<string, Map<string, unknown>>();

  get(kind: string, id: string, prepare: () => unknown): unknown {
    let keys = this.kinds.get(kind);
    if (keys === undefined) {
      keys = new Map();
      this.kinds.set(kind, keys);
    }
    return KeyCache.lookup(keys, id, prepare);
  }

  private static lookup(keys: Map<string, unknown>, id: string, prepare: () => unknown): unknown {
    let key = keys.get(id);
    if (key === undefined) {
      key = prepare();
      if (keys.size >= MAX_CACHED_KEYS) {
        const oldest = keys.keys().next();
        if (!oldest.done) keys.delete(oldest.value);
      }
      keys.set(id, key);
      if (key instanceof Promise) key.catch(() => keys.delete(id));
    }
    return key;
  }
}
