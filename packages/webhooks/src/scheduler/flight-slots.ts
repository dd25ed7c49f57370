/**
 * Requests in flight, bounded per origin and in total, so that attempts wait
 * in the scheduler, not in a connection pool queue where their timeout would
 * already be running. Endpoints that share an origin take turns.
 *
 * @module
 */

/**
 * Hands out in-flight slots. A loop that got fewer slots than it wanted
 * leaves a `wake` callback; it is called once (on a later microtask) when a
 * slot it could use frees, in the order the loops asked.
 *
 * @example
 * ```ts
 * const slots = new FlightSlots(64, 256);
 * const granted = slots.take("https://hooks.example.com", 10, pump);
 * // … start `granted` attempts; call slots.release(origin) as each ends
 * ```
 */
export class FlightSlots {
  private total = 0;
  private readonly byOrigin = new Map<string, number>();
  /** Waiting loops in asking order; re-asking keeps the first place. */
  private readonly waiters = new Map<() => void, string>();

  constructor(
    /** Most requests in flight to one origin (the pool's sockets). */
    readonly perOrigin: number,
    /** Most requests in flight overall (the socket cap). */
    readonly limit: number,
  ) {}

  get inFlight(): number {
    return this.total;
  }

  /** In flight to `origin` now. */
  inFlightTo(origin: string): number {
    return this.byOrigin.get(origin) ?? 0;
  }

  /** Takes up to `wanted` slots; when short, `wake` is queued. Returns how many were taken. */
  take(origin: string, wanted: number, wake?: () => void): number {
    const used = this.byOrigin.get(origin) ?? 0;
    const granted = Math.max(0, Math.min(wanted, this.perOrigin - used, this.limit - this.total));
    if (granted > 0) {
      this.byOrigin.set(origin, used + granted);
      this.total += granted;
    }
    if (granted < wanted && wake !== undefined) {
      if (!this.waiters.has(wake)) this.waiters.set(wake, origin);
    } else if (wake !== undefined) this.waiters.delete(wake);
    return granted;
  }

  /** Frees one slot of `origin` and wakes the loops that can now start something. */
  release(origin: string): void {
    const used = this.byOrigin.get(origin) ?? 0;
    if (used <= 1) this.byOrigin.delete(origin);
    else this.byOrigin.set(origin, used - 1);
    if (used > 0) this.total--;
    if (this.waiters.size === 0) return;
    let free = this.limit - this.total;
    const planned = new Map<string, number>();
    for (const [wake, waitingOrigin] of this.waiters) {
      if (free <= 0) break;
      const originUsed =
        (this.byOrigin.get(waitingOrigin) ?? 0) + (planned.get(waitingOrigin) ?? 0);
      if (originUsed >= this.perOrigin) continue;
      planned.set(waitingOrigin, (planned.get(waitingOrigin) ?? 0) + 1);
      free--;
      this.waiters.delete(wake);
      queueMicrotask(wake);
    }
  }

  /** Drops a waiting loop (its endpoint was removed or closed). */
  forget(wake: () => void): void {
    this.waiters.delete(wake);
  }
}
