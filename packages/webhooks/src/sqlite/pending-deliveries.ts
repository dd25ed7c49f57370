/**
 * The pending deliveries of a SqliteStore, per endpoint: a bounded window in
 * memory (`maxQueueSize` entries, the next due) over the file, which holds
 * everything owed. Leases, retries and settlements are decided here and
 * handed to the StoreWriter, which commits them later; the window pages more
 * in from the file as it drains.
 *
 * @module
 */
import type {
  AttemptRecord,
  AttemptResult,
  DeadReason,
  LeasedDelivery,
} from "../store/delivery-store";
import type { DispatchableEvent } from "../types";
import type { DeliveryRow } from "./delivery-reader";
import { type MaterializeDeps, materialize, type Unserializable } from "./materialize";
import { entryFromRow, eventFromBody, type PendingEntry, toLeased } from "./pending-entry";
import { PendingQueue } from "./pending-queue";
import { pendingState, settledState } from "./row-state";
import { abandonWaiting, expireWaiting, type SettleSteps } from "./settle-waiting";
import { refillWindow } from "./window-refill";

type Settled = "delivered" | "dead";

export class PendingDeliveries {
  private readonly queues = new Map<string, PendingQueue>();
  /**
   * Entries handed out by `lease` (and retried since), by id: only those
   * come back by id (recordAttempt, release). A fresh entry is not indexed,
   * so a commit of a large burst does not grow a map by one key per event.
   */
  private readonly byId = new Map<string, PendingEntry>();
  private parts: MaterializeDeps | undefined;
  private seq = 0;
  /** Endpoints with events emitted since the last commit, in the order they got their first. */
  private dirty: PendingQueue[] = [];
  /** The queue of the last enqueue: a burst usually goes to the same endpoints in turn. */
  private lastQueue: PendingQueue | undefined;
  /** Counts commits; cached endpoint limits are read again in each. */
  private generation = 0;
  /** Pending deliveries an endpoint may have in the file (`maxStoredPending`); unbounded when undefined. */
  private readonly maxStored: number;

  constructor(maxStored = Number.POSITIVE_INFINITY) {
    this.maxStored = maxStored;
  }

  /** Called by open: rows get seqs above `lastSeq`. */
  attach(parts: MaterializeDeps, lastSeq: number): void {
    this.parts = parts;
    this.seq = lastSeq;
  }

  /** Called by open: what the file owes each endpoint, paged in at its first lease. */
  resumeFromFile(): void {
    const parts = this.parts as MaterializeDeps;
    for (const { endpoint_id, n, due } of parts.reader.pendingCounts())
      this.queue(endpoint_id).backlog.resume(n, due);
  }

  get hasBuffered(): boolean {
    return this.dirty.length > 0;
  }

  /**
   * Buffers an event for an endpoint. Returns the event itself when the
   * queue is full and it was refused (drop-newest), the evicted event when
   * an older one made room (drop-oldest), else undefined.
   */
  enqueue(endpointId: string, event: DispatchableEvent): DispatchableEvent | undefined {
    let queue = this.lastQueue;
    if (queue === undefined || queue.endpointId !== endpointId) {
      queue = this.queue(endpointId);
      this.lastQueue = queue;
    }
    // Read once per tick (each commit starts a generation): endpoint bounds
    // change rarely, and a lookup per emit is most of what an emit costs.
    if (queue.limitsGeneration !== this.generation) {
      queue.limits = (this.parts as MaterializeDeps).context.limits(endpointId);
      queue.limitsGeneration = this.generation;
    }
    // The window's bound (maxPending) never refuses: past it, deliveries wait in the file.
    const { overflow } = queue.limits as NonNullable<PendingQueue["limits"]>;
    let dropped: DispatchableEvent | undefined;
    if (queue.size + queue.backlog.count >= this.maxStored) {
      queue.reportBound((this.parts as MaterializeDeps).context, this.maxStored);
      dropped = overflow === "drop-oldest" ? this.evictOldest(queue) : undefined;
      if (dropped === undefined) return event;
    }
    // Only the bare event is kept until the commit: the entry, its id and its
    // body are made there, once per tick, off the emitter's stack.
    if (queue.pushBuffered(event)) this.dirty.push(queue);
    return dropped;
  }

  /** Turns the buffered events into entries handed to the writer; starts a new generation. */
  materialize(): Unserializable[] {
    this.generation++;
    if (this.dirty.length === 0) return [];
    const dirty = this.dirty;
    this.dirty = [];
    const result = materialize(dirty, this.parts as MaterializeDeps, this.seq);
    this.seq = result.lastSeq;
    return result.failed;
  }

  /**
   * Leases due entries; `commit` is called when only buffered events are
   * left, so a delivery is on disk before its first attempt.
   */
  lease(endpointId: string, now: number, limit: number, commit: () => void): LeasedDelivery[] {
    const queue = this.queues.get(endpointId);
    const leased: LeasedDelivery[] = [];
    if (queue === undefined) return leased;
    // Half drained: page the next due rows in before the window runs dry.
    let paged = queue.backlog.count > 0 && queue.waitingCount * 2 <= this.cap(queue);
    if (paged) this.refill(queue, commit);
    while (leased.length < limit) {
      const entry = queue.takeDue(now);
      if (entry !== undefined) {
        this.byId.set(entry.id, entry);
        leased.push(toLeased(entry));
        continue;
      }
      if (queue.buffered > 0) {
        // Under load the tick's commit has usually run first, and nothing is written here.
        commit();
        if (queue.buffered > 0) break;
        continue;
      }
      if (paged || queue.backlog.count === 0 || queue.backlog.dueHint > now) break;
      paged = true;
      this.refill(queue, commit);
    }
    return leased;
  }

  /** Pages the window of `queue` in from the file, once the file holds every change. */
  private refill(queue: PendingQueue, commit: () => void): void {
    const parts = this.parts as MaterializeDeps;
    if (this.hasBuffered || !parts.writer.empty) commit();
    for (const entry of refillWindow(queue, parts.reader, this.cap(queue)))
      this.byId.delete(entry.id);
  }

  private cap(queue: PendingQueue): number {
    return queue.windowCap((this.parts as MaterializeDeps).context);
  }

  nextDueAt(endpointId: string): number | undefined {
    const queue = this.queues.get(endpointId);
    if (queue === undefined) return undefined;
    // Buffered events are due at once (any time at or before now will do).
    if (queue.buffered > 0) return 0;
    const head = queue.peek()?.dueAt;
    const { backlog } = queue;
    if (backlog.count === 0) return head;
    return Math.max(0, head === undefined ? backlog.dueHint : Math.min(head, backlog.dueHint));
  }

  /** Records an attempt of a leased entry; false when `id` is not pending here. */
  recordAttempt(id: string, attempt: AttemptRecord, result: AttemptResult): boolean {
    const entry = this.byId.get(id);
    if (entry === undefined) return false;
    entry.attempts = Math.max(entry.attempts, attempt.attempt);
    const { writer, context } = this.parts as MaterializeDeps;
    if (entry.state === "stored") writer.recordAttempt(entry.seq, attempt);
    if (result.status === "retry") {
      if (entry.leased) {
        entry.dueAt = result.at;
        this.queue(entry.endpointId).requeue(entry);
      }
      if (entry.state === "stored") writer.setState(entry.seq, pendingState(entry, result.at));
    } else {
      const reason = result.status === "dead" ? result.reason : null;
      this.settle(entry, result.status, reason, context.now());
    }
    return true;
  }

  release(id: string, now: number): void {
    const entry = this.byId.get(id);
    if (entry === undefined || !entry.leased) return;
    entry.dueAt = now;
    this.queue(entry.endpointId).requeue(entry);
  }

  /** Settles every waiting (unleased) entry of an endpoint as dead, the file's a window at a time. */
  abandon(
    endpointId: string,
    reason: DeadReason,
    now: number,
    commit: () => void,
  ): LeasedDelivery[] {
    const queue = this.queues.get(endpointId);
    if (queue === undefined) return [];
    return abandonWaiting(queue, reason, this.settleSteps(queue, now, commit));
  }

  /**
   * Entries whose commit failed: those that went to the file only are kept
   * in their window instead, so that they are still sent from memory.
   */
  keepInMemory(entries: readonly PendingEntry[]): void {
    for (const entry of entries)
      if (entry.spilled === true && entry.state === "volatile" && entry.live)
        this.queue(entry.endpointId).keepSpilled(entry);
  }

  /** Settles every waiting entry created before `createdBefore` as dead (`expired`); see expireWaiting. */
  expire(
    endpointId: string,
    createdBefore: number,
    now: number,
    commit: () => void,
  ): LeasedDelivery[] {
    const queue = this.queues.get(endpointId);
    if (queue === undefined) return [];
    return expireWaiting(queue, createdBefore, this.settleSteps(queue, now, commit));
  }

  private settleSteps(queue: PendingQueue, now: number, commit: () => void): SettleSteps {
    return {
      settle: (entry, reason) => this.settle(entry, "dead", reason, now),
      refill: () => this.refill(queue, commit),
    };
  }

  pendingCount(endpointId: string): number {
    const queue = this.queues.get(endpointId);
    return queue === undefined ? 0 : queue.size + queue.backlog.count;
  }

  mark(endpointId: string): number {
    return this.queue(endpointId).accepted + 1;
  }

  pendingBefore(endpointId: string, mark: number): boolean {
    const queue = this.queues.get(endpointId);
    if (queue === undefined) return false;
    return (
      queue.pendingBefore(mark) || (queue.backlog.count > 0 && queue.backlog.orderFloor < mark)
    );
  }

  /** Whether a delivery is pending (leased or retried) in this process. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** A stored row back into its endpoint's queue (open, redelivery), due at `dueAt`. */
  resume(row: DeliveryRow, dueAt: number, seriesStart: number): PendingEntry {
    const queue = this.queue(row.endpoint_id);
    const entry = entryFromRow(row, queue.nextOrder(), dueAt, seriesStart);
    // A full window, or one with rows waiting in the file: it waits there too, paged in by due time.
    if (queue.backlog.count > 0 || queue.waitingCount >= this.cap(queue))
      queue.backlog.add(dueAt, entry.order);
    else queue.pushLater(entry);
    return entry;
  }

  queue(endpointId: string): PendingQueue {
    let queue = this.queues.get(endpointId);
    if (queue === undefined) {
      queue = new PendingQueue(endpointId);
      this.queues.set(endpointId, queue);
    }
    return queue;
  }

  /** Drops the oldest unleased delivery of a full queue (drop-oldest); returns its event. */
  private evictOldest(queue: PendingQueue): DispatchableEvent | undefined {
    // With rows in the file, the window's earliest due is older than any buffered event.
    let victim =
      queue.takeOldestFresh() ?? (queue.backlog.count > 0 ? queue.takeOldestLater() : undefined);
    if (victim === undefined) {
      // Nothing committed waits in order before the buffer: its oldest event goes, never written.
      const event = queue.shiftBuffered();
      if (event !== undefined) return event;
      victim = queue.takeOldestLater();
    }
    if (victim === undefined) return undefined;
    queue.remove(victim);
    this.byId.delete(victim.id);
    if (victim.state === "stored") (this.parts as MaterializeDeps).writer.delete(victim.seq);
    return victim.source ?? eventFromBody(victim);
  }

  private settle(entry: PendingEntry, to: Settled, reason: DeadReason | null, now: number): void {
    this.queue(entry.endpointId).remove(entry);
    this.byId.delete(entry.id);
    const { writer } = this.parts as MaterializeDeps;
    if (entry.state === "stored") writer.setState(entry.seq, settledState(entry, to, reason, now));
  }
}
