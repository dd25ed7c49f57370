/**
 * Where a receiver remembers the deliveries its handler already accepted.
 *
 * @module
 */

/**
 * A set of replay keys with expiry. The middleware calls `has` before the
 * handler and `add` once the handler has answered 2xx. Implement it over a
 * shared store (Redis, a database) when several processes receive webhooks.
 *
 * @example
 * ```ts
 * const store: ReplayStore = {
 *   has: async (key) => (await redis.exists(`replay:${key}`)) === 1,
 *   add: async (key, ttlSec) => void (await redis.set(`replay:${key}`, "1", "EX", ttlSec)),
 * };
 * ```
 */
export interface ReplayStore {
  /** Whether `key` was added and has not expired. */
  has(key: string): Promise<boolean>;
  /** Records `key` for `ttlSec` seconds (a whole number, at least 1). */
  add(key: string, ttlSec: number): Promise<void>;
}
