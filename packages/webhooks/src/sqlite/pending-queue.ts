/**
 * The pending deliveries of one endpoint, held in memory next to the file so
 * that `lease`, `nextDueAt` and `pendingCount` never touch the disk. Fresh
 * deliveries wait in arrival order; retried, released and resumed ones wait
 * in a min-heap by due time. Leases are only marks on entries: they are not
 * written to the file, so a killed process leaves no lease behind.
 *
 * @module
 */
import type { DeadReason } from "../store/delivery-store";
import type { DispatchableEvent } from "../types";

/** Where an entry's row is: still in the write buffer, on disk, or not durable (its commit failed). */
export type EntryState = "buffered" | "stored" | "volatile";

export interface PendingEntry {
  /** Row id in the file; also the tie-break of equal due times (older first). */
  readonly seq: number;
  /** Position in the endpoint's order of acceptance (enqueue, redelivery, resume), for `mark`. */
  order: number;
  /** Minted at the first commit (an entry evicted before it never gets one). */
  id: string;
  readonly endpointId: string;
  /** Upper-case event name; "" until serialised. */
  event: string;
  /** Body bytes; undefined until serialised at commit. */
  body: Uint8Array | undefined;
  /** The emitted event, for a drop report; undefined when resumed from the file. */
  source: DispatchableEvent | undefined;
  attempts: number;
  /** Attempts made before the current series began (the last redelivery). */
  seriesStart: number;
  readonly createdAt: number;
  dueAt: number;
  leased: boolean;
  /** False once settled, evicted or abandoned: skipped wherever it still sits. */
  live: boolean;
  /** Set when it died before its first commit (its data is not JSON): written as a dead row. */
  deadReason?: DeadReason;
  state: EntryState;
}

const before = (a: PendingEntry, b: PendingEntry): boolean =>
  a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);

export class PendingQueue {
  /**
   * Pending entries of the endpoint, leased included, in order of
   * acceptance: entries join with a rising `order`, so the first is the
   * oldest still owed.
   */
  readonly members = new Set<PendingEntry>();
  #fresh: PendingEntry[] = [];
  #freshHead = 0;
  #later: PendingEntry[] = [];

  get size(): number {
    return this.members.size;
  }

  /** A fresh delivery, due at its creation. */
  pushFresh(entry: PendingEntry): void {
    this.#fresh.push(entry);
    this.members.add(entry);
  }

  /** A delivery due at `entry.dueAt` (resumed, retried, released, redelivered). */
  pushLater(entry: PendingEntry): void {
    heapPush(this.#later, entry);
    this.members.add(entry);
  }

  /** Whether an entry accepted before `mark` is still owed. */
  pendingBefore(mark: number): boolean {
    const first = this.members.values().next();
    return first.done !== true && first.value.order < mark;
  }

  /** Takes the entry out of the pending set (settled, evicted); it is skipped wherever it still waits. */
  remove(entry: PendingEntry): void {
    entry.live = false;
    entry.leased = false;
    this.members.delete(entry);
  }

  /** Takes the earliest due, unleased entry if it is due at `now`. */
  takeDue(now: number): PendingEntry | undefined {
    const next = this.peek();
    if (next === undefined || next.dueAt > now) return undefined;
    if (next === this.#fresh[this.#freshHead]) this.#shiftFresh();
    else heapPop(this.#later);
    return next;
  }

  /** The earliest unleased entry, due or not. */
  peek(): PendingEntry | undefined {
    this.#dropDead();
    const fresh = this.#fresh[this.#freshHead];
    const later = this.#later[0];
    if (fresh === undefined) return later;
    if (later === undefined) return fresh;
    return before(later, fresh) ? later : fresh;
  }

  /** The oldest unleased entry, to evict for drop-oldest. */
  takeOldest(): PendingEntry | undefined {
    this.#dropDead();
    const fresh = this.#fresh[this.#freshHead];
    if (fresh !== undefined) {
      this.#shiftFresh();
      return fresh;
    }
    return heapPop(this.#later);
  }

  /** Every entry not yet taken (unleased), in no particular order. */
  waiting(): PendingEntry[] {
    return [...this.#fresh.slice(this.#freshHead), ...this.#later].filter((entry) => entry.live);
  }

  /** Forgets every waiting entry (abandon). */
  clearWaiting(): void {
    this.#fresh = [];
    this.#freshHead = 0;
    this.#later = [];
  }

  #dropDead(): void {
    while (this.#fresh[this.#freshHead]?.live === false) this.#shiftFresh();
    while (this.#later[0]?.live === false) heapPop(this.#later);
  }

  #shiftFresh(): void {
    this.#fresh[this.#freshHead++] = undefined as unknown as PendingEntry;
    // Compact now and then so the array does not grow without bound.
    if (this.#freshHead > 1024 && this.#freshHead * 2 > this.#fresh.length) {
      this.#fresh = this.#fresh.slice(this.#freshHead);
      this.#freshHead = 0;
    }
  }
}

function heapPush(heap: PendingEntry[], entry: PendingEntry): void {
  heap.push(entry);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!before(heap[i] as PendingEntry, heap[parent] as PendingEntry)) break;
    [heap[i], heap[parent]] = [heap[parent] as PendingEntry, heap[i] as PendingEntry];
    i = parent;
  }
}

function heapPop(heap: PendingEntry[]): PendingEntry | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  heap[0] = last;
  let i = 0;
  for (;;) {
    const left = 2 * i + 1;
    const right = left + 1;
    let smallest = i;
    if (left < heap.length && before(heap[left] as PendingEntry, heap[smallest] as PendingEntry))
      smallest = left;
    if (right < heap.length && before(heap[right] as PendingEntry, heap[smallest] as PendingEntry))
      smallest = right;
    if (smallest === i) return top;
    [heap[i], heap[smallest]] = [heap[smallest] as PendingEntry, heap[i] as PendingEntry];
    i = smallest;
  }
}
