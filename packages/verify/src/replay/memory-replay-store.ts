/**
 * The default replay store: in memory, bounded.
 *
 * @module
 */
import { assertKnownKeys } from "../protocol/strict-options";
import type { ReplayStore } from "./replay-store";

/** Options of {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Most keys kept; the oldest is forgotten first. Default 100000 (about 15 MB). */
  maxEntries?: number;
  /** The clock, in milliseconds. Default `Date.now`. */
  now?: () => number;
}

const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * An in-memory {@link ReplayStore} for one process. Bounded: past
 * `maxEntries` the oldest key is forgotten (so a replay older than the
 * newest `maxEntries` accepted deliveries gets through again, to the age
 * check). Keys are lost on restart; use a shared store across processes.
 *
 * @example
 * ```ts
 * import { MemoryReplayStore } from "@attesta/verify";
 *
 * const replay = new MemoryReplayStore({ maxEntries: 10_000 });
 * await replay.add("webhook-id:msg_1", 300);
 * await replay.has("webhook-id:msg_1"); // true
 * ```
 */
export class MemoryReplayStore implements ReplayStore {
  private readonly expiries = new Map<string, number>();
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: MemoryReplayStoreOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `@attesta/verify: new MemoryReplayStore(options) needs an options object or nothing; got ${options === null ? "null" : typeof options}. Fix: new MemoryReplayStore({ maxEntries: 10000 }).`,
      );
    }
    assertKnownKeys(options, ["maxEntries", "now"], "new MemoryReplayStore(options)");
    const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new TypeError(
        `@attesta/verify: MemoryReplayStore maxEntries must be a positive integer; got ${String(maxEntries)}. ` +
          `Fix: omit it for the default (${DEFAULT_MAX_ENTRIES}).`,
      );
    }
    this.maxEntries = maxEntries;
    if (options.now !== undefined && typeof options.now !== "function") {
      throw new TypeError(
        `@attesta/verify: MemoryReplayStore now must be a function returning milliseconds; got ${typeof options.now}. Fix: omit it for Date.now.`,
      );
    }
    this.now = options.now ?? Date.now;
  }

  /** Number of keys held, expired or not. */
  get size(): number {
    return this.expiries.size;
  }

  async has(key: string): Promise<boolean> {
    const expiry = this.expiries.get(key);
    if (expiry === undefined) return false;
    if (expiry > this.now()) return true;
    this.expiries.delete(key);
    return false;
  }

  async add(key: string, ttlSec: number): Promise<void> {
    // Re-inserting moves the key to the newest end of the eviction order.
    this.expiries.delete(key);
    this.expiries.set(key, this.now() + ttlSec * 1000);
    while (this.expiries.size > this.maxEntries) {
      const oldest = this.expiries.keys().next();
      if (oldest.done) break;
      this.expiries.delete(oldest.value);
    }
  }
}
