/**
 * Rate limit of bulk actions (retry by filter, recover): a fixed window of a
 * minute per credential, so one operator cannot flood the receivers.
 *
 * @module
 */
import { createHash } from "node:crypto";

const WINDOW_MS = 60_000;
/** Credentials remembered at most; the oldest window goes first. */
const MAX_KEYS = 10_000;

export class BulkLimiter {
  readonly #windows = new Map<string, { start: number; used: number }>();

  constructor(readonly perMinute: number) {}

  /** Takes one action; returns the seconds to wait when none is left. */
  take(credential: string, now = Date.now()): number | undefined {
    const key = createHash("sha256").update(credential).digest("base64url");
    let window = this.#windows.get(key);
    if (window === undefined || now - window.start >= WINDOW_MS) {
      this.#windows.delete(key);
      if (this.#windows.size >= MAX_KEYS)
        this.#windows.delete(this.#windows.keys().next().value as string);
      window = { start: now, used: 0 };
      this.#windows.set(key, window);
    }
    if (window.used >= this.perMinute) return Math.ceil((window.start + WINDOW_MS - now) / 1000);
    window.used++;
    return undefined;
  }
}
