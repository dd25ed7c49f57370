/**
 * The pending deliveries of a SqliteStore in memory, per endpoint, and the
 * changes they owe the file: leases, retries and settlements are decided
 * here and handed to the StoreWriter, which commits them later.
 *
 * @module
 */
import type {
  AttemptRecord,
  AttemptResult,
  DeadReason,
  LeasedDelivery,
  StoreContext,
} from "../store/delivery-store";
import type { DispatchableEvent } from "../types";
import type { IdEpoch } from "./delivery-ids";
import type { DeliveryRow } from "./delivery-reader";
import { materialize, type Unserializable } from "./materialize";
import { type PendingEntry, PendingQueue } from "./pending-queue";
import { pendingState, type StoreWriter, settledState } from "./store-writer";

/** What the pending set needs from an open store. */
export interface PendingParts {
  readonly context: StoreContext;
  readonly writer: StoreWriter;
  readonly ids: IdEpoch;
}

export class PendingDeliveries {
  readonly #queues = new Map<string, PendingQueue>();
  /**
   * Entries handed out by `lease` (and retried since), by id: only those
   * come back by id (recordAttempt, release). A fresh entry is not indexed,
   * so a commit of a large burst does not grow a map by one key per event.
   */
  readonly #byId = new Map<string, PendingEntry>();
  #parts: PendingParts | undefined;
  #seq = 0;
  /** Endpoints with events emitted since the last commit, in the order they got their first. */
  #dirty: PendingQueue[] = [];
  /** The queue of the last enqueue: a burst usually goes to the same endpoints in turn. */
  #lastQueue: PendingQueue | undefined;
  /** Counts commits; cached endpoint limits are read again in each. */
  #generation = 0;

  /** Called by open: rows get seqs above `lastSeq`. */
  attach(parts: PendingParts, lastSeq: number): void {
    this.#parts = parts;
    this.#seq = lastSeq;
  }

  get hasBuffered(): boolean {
    return this.#dirty.length > 0;
  }

  /**
   * Buffers an event for an endpoint. Returns the event itself when the
   * queue is full and it was refused (drop-newest), the evicted event when
   * an older one made room (drop-oldest), else undefined.
   */
  enqueue(endpointId: string, event: DispatchableEvent): DispatchableEvent | undefined {
    let queue = this.#lastQueue;
    if (queue === undefined || queue.endpointId !== endpointId) {
      queue = this.queue(endpointId);
      this.#lastQueue = queue;
    }
    // Read once per tick (each commit starts a generation): endpoint bounds
    // change rarely, and a lookup per emit is most of what an emit costs.
    if (queue.limitsGeneration !== this.#generation) {
      queue.limits = (this.#parts as PendingParts).context.limits(endpointId);
      queue.limitsGeneration = this.#generation;
    }
    const { maxPending, overflow } = queue.limits as NonNullable<PendingQueue["limits"]>;
    let dropped: DispatchableEvent | undefined;
    if (queue.size >= maxPending) {
      dropped = overflow === "drop-oldest" ? this.#evictOldest(queue) : undefined;
      if (dropped === undefined) return event;
    }
    // Only the bare event is kept until the commit: the entry, its id and its
    // body are made there, once per tick, off the emitter's stack.
    if (queue.pushBuffered(event)) this.#dirty.push(queue);
    return dropped;
  }

  /** Turns the buffered events into entries handed to the writer; starts a new generation. */
  materialize(): Unserializable[] {
    this.#generation++;
    if (this.#dirty.length === 0) return [];
    const dirty = this.#dirty;
    this.#dirty = [];
    const result = materialize(dirty, this.#parts as PendingParts, this.#seq);
    this.#seq = result.lastSeq;
    return result.failed;
  }

  /**
   * Leases due entries; `commit` is called when only buffered events are
   * left, so a delivery is on disk before its first attempt.
   */
  lease(endpointId: string, now: number, limit: number, commit: () => void): LeasedDelivery[] {
    const queue = this.#queues.get(endpointId);
    const leased: LeasedDelivery[] = [];
    if (queue === undefined) return leased;
    while (leased.length < limit) {
      const entry = queue.takeDue(now);
      if (entry !== undefined) {
        this.#byId.set(entry.id, entry);
        leased.push(toLeased(entry));
        continue;
      }
      // Under load the tick's commit has usually run first, and nothing is written here.
      if (queue.buffered === 0) break;
      commit();
      if (queue.buffered > 0) break;
    }
    return leased;
  }

  nextDueAt(endpointId: string): number | undefined {
    const queue = this.#queues.get(endpointId);
    if (queue === undefined) return undefined;
    // Buffered events are due at once (any time at or before now will do).
    return queue.buffered > 0 ? 0 : queue.peek()?.dueAt;
  }

  /** Records an attempt of a leased entry; false when `id` is not pending here. */
  recordAttempt(id: string, attempt: AttemptRecord, result: AttemptResult): boolean {
    const entry = this.#byId.get(id);
    if (entry === undefined) return false;
    entry.attempts = Math.max(entry.attempts, attempt.attempt);
    const { writer, context } = this.#parts as PendingParts;
    if (entry.state === "stored") writer.recordAttempt(entry.seq, attempt);
    if (result.status === "retry") {
      if (entry.leased) {
        entry.dueAt = result.at;
        this.queue(entry.endpointId).requeue(entry);
      }
      if (entry.state === "stored") writer.setState(entry.seq, pendingState(entry, result.at));
    } else {
      const reason = result.status === "dead" ? result.reason : null;
      this.#settle(entry, result.status, reason, context.now());
    }
    return true;
  }

  release(id: string, now: number): void {
    const entry = this.#byId.get(id);
    if (entry === undefined || !entry.leased) return;
    entry.dueAt = now;
    this.queue(entry.endpointId).requeue(entry);
  }

  /** Settles every waiting (unleased) entry of an endpoint as dead. */
  abandon(endpointId: string, reason: DeadReason, now: number): LeasedDelivery[] {
    const queue = this.#queues.get(endpointId);
    if (queue === undefined) return [];
    // Leased deliveries are left to their holder, which settles them with recordAttempt.
    const victims = queue.waiting();
    queue.clearWaiting();
    for (const entry of victims) this.#settle(entry, "dead", reason, now);
    return victims.map(toLeased);
  }

  /** Settles every waiting (unleased) entry created before `createdBefore` as dead (`expired`). */
  expire(endpointId: string, createdBefore: number, now: number): LeasedDelivery[] {
    const queue = this.#queues.get(endpointId);
    if (queue === undefined) return [];
    const victims = queue.waiting().filter((entry) => entry.createdAt < createdBefore);
    for (const entry of victims) this.#settle(entry, "dead", "expired", now);
    return victims.map(toLeased);
  }

  pendingCount(endpointId: string): number {
    return this.#queues.get(endpointId)?.size ?? 0;
  }

  mark(endpointId: string): number {
    return this.queue(endpointId).accepted + 1;
  }

  pendingBefore(endpointId: string, mark: number): boolean {
    return this.#queues.get(endpointId)?.pendingBefore(mark) ?? false;
  }

  /** Whether a delivery is pending (leased or retried) in this process. */
  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** A stored row back into its endpoint's queue (open, redelivery), due at `dueAt`. */
  resume(row: DeliveryRow, dueAt: number, seriesStart: number): PendingEntry {
    const queue = this.queue(row.endpoint_id);
    const entry: PendingEntry = {
      seq: row.seq,
      order: queue.nextOrder(),
      id: row.id,
      endpointId: row.endpoint_id,
      event: row.event,
      body: row.body,
      source: undefined,
      attempts: row.attempts,
      seriesStart,
      createdAt: row.created_at,
      dueAt,
      leased: false,
      live: true,
      state: "stored",
    };
    queue.pushLater(entry);
    return entry;
  }

  queue(endpointId: string): PendingQueue {
    let queue = this.#queues.get(endpointId);
    if (queue === undefined) {
      queue = new PendingQueue(endpointId);
      this.#queues.set(endpointId, queue);
    }
    return queue;
  }

  /** Drops the oldest unleased delivery of a full queue (drop-oldest); returns its event. */
  #evictOldest(queue: PendingQueue): DispatchableEvent | undefined {
    const entry = queue.takeOldestFresh();
    if (entry === undefined) {
      // Nothing committed waits in order before the buffer: its oldest event goes, never written.
      const event = queue.shiftBuffered();
      if (event !== undefined) return event;
    }
    const victim = entry ?? queue.takeOldestLater();
    if (victim === undefined) return undefined;
    queue.remove(victim);
    this.#byId.delete(victim.id);
    if (victim.state === "stored") (this.#parts as PendingParts).writer.delete(victim.seq);
    return victim.source ?? eventFromBody(victim);
  }

  #settle(
    entry: PendingEntry,
    status: "delivered" | "dead",
    reason: DeadReason | null,
    now: number,
  ): void {
    this.queue(entry.endpointId).remove(entry);
    this.#byId.delete(entry.id);
    if (entry.state === "stored")
      (this.#parts as PendingParts).writer.setState(
        entry.seq,
        settledState(entry, status, reason, now),
      );
  }
}

function toLeased(entry: PendingEntry): LeasedDelivery {
  return {
    id: entry.id,
    endpointId: entry.endpointId,
    event: entry.event,
    body: entry.body ?? new Uint8Array(0),
    attempts: entry.attempts,
    attemptsInSeries: entry.attempts - entry.seriesStart,
    createdAt: entry.createdAt,
  };
}

/** Rebuilds the bus event of a stored body, for a drop-oldest report once the event itself is released. */
function eventFromBody(entry: PendingEntry): DispatchableEvent {
  const parsed = JSON.parse(Buffer.from(entry.body ?? []).toString("utf8")) as {
    event: string;
    timestamp: string | number;
    data: unknown;
  };
  const { timestamp } = parsed;
  return {
    type: parsed.event.toLowerCase(),
    timestamp: typeof timestamp === "number" ? timestamp : Date.parse(timestamp),
    data: parsed.data,
  };
}
