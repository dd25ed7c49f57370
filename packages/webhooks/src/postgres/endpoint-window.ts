/**
 * The deliveries of one endpoint that this process holds in memory: the
 * window the scheduler leases from. The rows themselves live in PostgreSQL;
 * the window is bounded (the endpoint's `maxQueueSize`) and refilled from the
 * database as it drains, so a backlog of any size costs rows, not memory.
 *
 * @module
 */
import type { WindowEntry } from "./window-entry";

export class EndpointWindow {
  /** Unleased entries due at once, in acceptance order, from `head`. */
  private fresh: WindowEntry[] = [];
  private head = 0;
  /** Unleased entries waiting for a time, sorted by (nextAttemptAt, order). */
  private scheduled: WindowEntry[] = [];
  private readonly leased = new Set<WindowEntry>();
  /** Orders handed out so far: the next entry gets this one. */
  accepted = 0;
  /** Whether this process delivers the endpoint now (holds its lease). */
  owned = false;
  /** Whether the database may hold pending rows that are not in the window. */
  more = false;
  /** Rows this process wrote past the window and has not paged in yet (counted as owed). */
  spilled = 0;
  /** Whether a refill query is under way. */
  refilling = false;
  /**
   * Whether the rows others held (and this process, before it lost the
   * endpoint) must be freed before the next refill: set when the endpoint
   * becomes this process's, cleared once a take-over committed.
   */
  takeOverDue = false;

  constructor(readonly endpointId: string) {}

  get size(): number {
    return this.fresh.length - this.head + this.scheduled.length + this.leased.size;
  }

  /** Every entry held, leased ones last. */
  *entries(): IterableIterator<WindowEntry> {
    yield* this.unleased();
    yield* this.leased;
  }

  private *unleased(): IterableIterator<WindowEntry> {
    for (let i = this.head; i < this.fresh.length; i++) yield this.fresh[i] as WindowEntry;
    yield* this.scheduled;
  }

  /** Whether an entry accepted before `mark` is still held. */
  holdsBefore(mark: number): boolean {
    for (const entry of this.entries()) if (entry.order < mark) return true;
    return false;
  }

  nextOrder(): number {
    return this.accepted++;
  }

  /** Adds an unleased entry: due at once unless it has a later `nextAttemptAt`. */
  add(entry: WindowEntry, now: number): void {
    const at = entry.nextAttemptAt;
    if (at === undefined || at <= now) this.fresh.push(entry);
    else this.schedule(entry);
  }

  /** Gives a leased entry back to the front of the line. */
  putBack(entry: WindowEntry): void {
    this.leased.delete(entry);
    entry.leased = false;
    if (this.head > 0) this.fresh[--this.head] = entry;
    else this.fresh.unshift(entry);
  }

  /** A leased entry waits again until its `nextAttemptAt`. */
  retry(entry: WindowEntry): void {
    this.leased.delete(entry);
    entry.leased = false;
    this.schedule(entry);
  }

  /** A leased entry left the window (settled). */
  settled(entry: WindowEntry): void {
    this.leased.delete(entry);
  }

  /** The next unleased entry due at `now`, marked leased; undefined when none. */
  take(now: number): WindowEntry | undefined {
    let entry: WindowEntry | undefined;
    const first = this.scheduled[0];
    if (first !== undefined && (first.nextAttemptAt as number) <= now) {
      const fresh = this.fresh[this.head];
      if (fresh === undefined || first.order < fresh.order) entry = this.scheduled.shift();
    }
    if (entry === undefined && this.head < this.fresh.length) {
      entry = this.fresh[this.head++];
      if (this.head > 1024 && this.head * 2 > this.fresh.length) {
        this.fresh = this.fresh.slice(this.head);
        this.head = 0;
      }
    }
    if (entry === undefined) return undefined;
    entry.leased = true;
    this.leased.add(entry);
    return entry;
  }

  /** Earliest time an unleased entry is due; fresh ones report 0. */
  nextDueAt(): number | undefined {
    if (this.head < this.fresh.length) return 0;
    return this.scheduled[0]?.nextAttemptAt;
  }

  /** Removes every unleased entry that `matches` (all, by default) and returns them. */
  takeUnleased(matches: (entry: WindowEntry) => boolean = () => true): WindowEntry[] {
    const taken: WindowEntry[] = [];
    const fresh: WindowEntry[] = [];
    const scheduled: WindowEntry[] = [];
    for (let i = this.head; i < this.fresh.length; i++) {
      const entry = this.fresh[i] as WindowEntry;
      (matches(entry) ? taken : fresh).push(entry);
    }
    for (const entry of this.scheduled) (matches(entry) ? taken : scheduled).push(entry);
    this.fresh = fresh;
    this.head = 0;
    this.scheduled = scheduled;
    return taken;
  }

  private schedule(entry: WindowEntry): void {
    const at = entry.nextAttemptAt as number;
    const list = this.scheduled;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      const other = list[mid] as WindowEntry;
      const before =
        (other.nextAttemptAt as number) < at ||
        ((other.nextAttemptAt as number) === at && other.order < entry.order);
      if (before) low = mid + 1;
      else high = mid;
    }
    list.splice(low, 0, entry);
  }
}
