/**
 * The pending deliveries of one endpoint, held in memory next to the file so
 * that `lease`, `nextDueAt` and `pendingCount` never touch the disk. Fresh
 * deliveries wait in arrival order; retried, released and resumed ones wait
 * in a min-heap by due time. Leases are only marks on entries: they are not
 * written to the file, so a killed process leaves no lease behind.
 *
 * @module
 */
import type { StoreContext } from "../store/delivery-store";
import type { DispatchableEvent } from "../types";
import { DiskBacklog } from "./disk-backlog";
import { before, heapPop, heapPush } from "./entry-heap";
import type { PendingEntry } from "./pending-entry";

/** Ring capacities: powers of two, so a slot is an index masked. */
const RING_START = 16;
const RING_KEEP = 1 << 16;

/**
 * One endpoint's pending deliveries. Three places, oldest first: `fresh`
 * (committed, never attempted, in order of acceptance), the buffer (emitted
 * since the last commit: bare events, no entry, no id, no body yet), and
 * `later` (retried, released, resumed, redelivered; a min-heap by due time).
 * Leased entries sit in none of them until they come back or settle.
 */
export class PendingQueue {
  readonly endpointId: string;
  /** Orders handed out so far; an entry's `order` is its position in this count. */
  accepted = 0;
  /** Live stored entries, leased included. */
  private stored = 0;
  private readonly leased = new Set<PendingEntry>();
  private fresh: PendingEntry[] = [];
  private freshHead = 0;
  private later: PendingEntry[] = [];
  /**
   * Events emitted since the last commit, in a ring that is reused from
   * commit to commit (an emit only stores a pointer); the k-th from the head
   * has order `bufferOrder + k`.
   */
  private ring: (DispatchableEvent | undefined)[] = new Array(RING_START).fill(undefined);
  private ringHead = 0;
  private ringCount = 0;
  private bufferOrder = 0;
  /** The endpoint's bound, read once per commit generation rather than per emit. */
  limits: { maxPending: number; overflow: "drop-oldest" | "drop-newest" } | undefined;
  limitsGeneration = -1;
  /** Pending rows of the endpoint that are in the file only (past the window). */
  readonly backlog = new DiskBacklog();
  /** Whether `maxStoredPending` was reported for this endpoint (once per process). */
  private boundReported = false;

  constructor(endpointId: string) {
    this.endpointId = endpointId;
  }

  get size(): number {
    return this.stored + this.ringCount;
  }

  get buffered(): number {
    return this.ringCount;
  }

  /** Live stored entries that wait in the window (not leased). */
  get waitingCount(): number {
    return this.stored - this.leased.size;
  }

  /** Seqs of the leased entries. */
  leasedSeqs(): Set<number> {
    return new Set([...this.leased].map((entry) => entry.seq));
  }

  nextOrder(): number {
    return ++this.accepted;
  }

  /** An emitted event, kept bare until the commit; true when the buffer was empty (the queue just became dirty). */
  pushBuffered(event: DispatchableEvent): boolean {
    const order = ++this.accepted;
    const count = this.ringCount;
    if (count === this.ring.length) this.growRing();
    const ring = this.ring;
    ring[(this.ringHead + count) & (ring.length - 1)] = event;
    this.ringCount = count + 1;
    if (count === 0) {
      this.bufferOrder = order;
      return true;
    }
    return false;
  }

  /** Hands the buffered events to the commit, oldest first, with the order of the first. */
  takeBuffered(): { events: DispatchableEvent[]; firstOrder: number } {
    const ring = this.ring;
    const mask = ring.length - 1;
    const events: DispatchableEvent[] = new Array(this.ringCount);
    for (let k = 0; k < this.ringCount; k++) {
      const slot = (this.ringHead + k) & mask;
      events[k] = ring[slot] as DispatchableEvent;
      ring[slot] = undefined;
    }
    const firstOrder = this.bufferOrder;
    this.ringHead = 0;
    this.ringCount = 0;
    // A one-off huge burst does not pin its ring for the life of the process.
    if (ring.length > RING_KEEP) this.ring = new Array(RING_START).fill(undefined);
    return { events, firstOrder };
  }

  private growRing(): void {
    const ring = this.ring;
    const mask = ring.length - 1;
    const grown: (DispatchableEvent | undefined)[] = new Array(ring.length * 2).fill(undefined);
    for (let k = 0; k < this.ringCount; k++) grown[k] = ring[(this.ringHead + k) & mask];
    this.ring = grown;
    this.ringHead = 0;
  }

  /**
   * A delivery just committed: into the window while it has room and nothing
   * owed waits in the file before it; else in the file only (a backlog row).
   */
  admit(entry: PendingEntry): void {
    if (!this.spills()) this.pushFresh(entry);
    else {
      entry.spilled = true;
      this.backlog.add(entry.dueAt, entry.order);
    }
  }

  /** Whether a new entry goes to the file only: the window is full, or rows wait in the file before it. */
  spills(): boolean {
    const cap = this.limits?.maxPending ?? Number.POSITIVE_INFINITY;
    return this.backlog.count > 0 || this.waitingCount >= cap;
  }

  /** Reports the first time the endpoint reaches `maxStoredPending` (`limit`). */
  reportBound(context: Pick<StoreContext, "onWarning">, limit: number): void {
    if (this.boundReported) return;
    this.boundReported = true;
    context.onWarning?.({ kind: "stored_bound", endpointId: this.endpointId, limit });
  }

  /** The window's bound (`maxQueueSize`); read from the context until an enqueue refreshes it. */
  windowCap(context: Pick<StoreContext, "limits">): number {
    this.limits ??= context.limits(this.endpointId);
    return Math.max(1, this.limits.maxPending);
  }

  /** A spilled entry whose commit failed: not in the file, so it waits in memory after all. */
  keepSpilled(entry: PendingEntry): void {
    entry.spilled = false;
    this.backlog.count = Math.max(0, this.backlog.count - 1);
    this.pushFresh(entry);
  }

  /** A fresh delivery just committed, due at once. */
  pushFresh(entry: PendingEntry): void {
    this.fresh.push(entry);
    this.stored++;
  }

  /** A delivery that joins the pending set at `entry.dueAt` (resumed, redelivered). */
  pushLater(entry: PendingEntry): void {
    heapPush(this.later, entry);
    this.stored++;
  }

  /** A leased delivery back to waiting, at `entry.dueAt` (retry, release). */
  requeue(entry: PendingEntry): void {
    entry.leased = false;
    this.leased.delete(entry);
    heapPush(this.later, entry);
  }

  /** Whether an entry accepted before `mark` is still owed. */
  pendingBefore(mark: number): boolean {
    this.dropDead();
    const fresh = this.fresh[this.freshHead];
    if (fresh !== undefined && fresh.order < mark) return true;
    if (this.ringCount > 0 && this.bufferOrder < mark) return true;
    for (const entry of this.leased) if (entry.order < mark) return true;
    for (const entry of this.later) if (entry.live && entry.order < mark) return true;
    return false;
  }

  /** Takes the entry out of the pending set (settled, evicted); it is skipped wherever it still waits. */
  remove(entry: PendingEntry): void {
    if (!entry.live) return;
    entry.live = false;
    this.stored--;
    if (entry.leased) {
      entry.leased = false;
      this.leased.delete(entry);
    }
  }

  /** Takes the earliest due, unleased, committed entry if it is due at `now`, and marks it leased. */
  takeDue(now: number): PendingEntry | undefined {
    const next = this.peek();
    if (next === undefined || next.dueAt > now) return undefined;
    if (next === this.fresh[this.freshHead]) this.shiftFresh();
    else heapPop(this.later);
    next.leased = true;
    this.leased.add(next);
    return next;
  }

  /** The earliest unleased committed entry, due or not. */
  peek(): PendingEntry | undefined {
    this.dropDead();
    const fresh = this.fresh[this.freshHead];
    const later = this.later[0];
    if (fresh === undefined) return later;
    if (later === undefined) return fresh;
    return before(later, fresh) ? later : fresh;
  }

  /** The oldest unleased committed fresh entry, taken out of `fresh` (drop-oldest). */
  takeOldestFresh(): PendingEntry | undefined {
    this.dropDead();
    const fresh = this.fresh[this.freshHead];
    if (fresh !== undefined) this.shiftFresh();
    return fresh;
  }

  /** The oldest buffered event, dropped from the buffer (drop-oldest). */
  shiftBuffered(): DispatchableEvent | undefined {
    if (this.ringCount === 0) return undefined;
    const ring = this.ring;
    const event = ring[this.ringHead];
    ring[this.ringHead] = undefined;
    this.ringHead = (this.ringHead + 1) & (ring.length - 1);
    this.ringCount--;
    this.bufferOrder++;
    return event;
  }

  /** The earliest due waiting entry of the heap (drop-oldest when nothing fresh is left). */
  takeOldestLater(): PendingEntry | undefined {
    this.dropDead();
    return heapPop(this.later);
  }

  /** Every committed entry not taken (unleased), in no particular order. */
  waiting(): PendingEntry[] {
    return [...this.fresh.slice(this.freshHead), ...this.later].filter((entry) => entry.live);
  }

  /** Forgets every waiting entry (abandon). */
  clearWaiting(): void {
    this.fresh = [];
    this.freshHead = 0;
    this.later = [];
  }

  /**
   * Makes `entries` the waiting set (a window paged in from the file); `added`
   * of them were not live here before. Sorted by due time they form a heap.
   */
  replaceWaiting(entries: PendingEntry[], added: number): void {
    this.clearWaiting();
    this.later = entries.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    this.stored += added;
  }

  private dropDead(): void {
    while (this.fresh[this.freshHead]?.live === false) this.shiftFresh();
    while (this.later[0]?.live === false) heapPop(this.later);
  }

  private shiftFresh(): void {
    this.fresh[this.freshHead++] = undefined as unknown as PendingEntry;
    // Compact now and then so the array does not grow without bound.
    if (this.freshHead > 1024 && this.freshHead * 2 > this.fresh.length) {
      this.fresh = this.fresh.slice(this.freshHead);
      this.freshHead = 0;
    }
  }
}
