/**
 * The durable delivery store: pending deliveries live in memory for the
 * scheduler and in a SQLite file (WAL mode) for the next process. Writes are
 * buffered and group-committed once per tick, so `emit` never waits on I/O.
 *
 * @module
 */
import type {
  AttemptRecord,
  AttemptResult,
  DeadReason,
  DeliveryQuery,
  DeliveryRecord,
  DeliveryStore,
  LeasedDelivery,
  StoreContext,
  StoredEndpoint,
} from "../store/delivery-store";
import type { DispatchableEvent } from "../types";
import { beginEpoch, type IdEpoch } from "./delivery-ids";
import { DeliveryReader, type DeliveryRow } from "./delivery-reader";
import { EndpointTable } from "./endpoint-table";
import { openDatabase, type SqliteDatabase, sqliteFailure } from "./open-database";
import { OwnerLock } from "./owner-lock";
import { type PendingEntry, PendingQueue } from "./pending-queue";
import { Pruner } from "./pruner";
import { SqliteInspector } from "./sqlite-inspector";
import { SqliteStoreError } from "./sqlite-store-error";
import {
  type ResolvedSqliteOptions,
  resolveSqliteOptions,
  type SqliteStoreOptions,
} from "./sqlite-store-options";
import { StoreMaintenance } from "./store-maintenance";
import { CommitFailure, StoreWriter } from "./store-writer";

const BUSY_TIMEOUT_MS = 5000;
/** Longest wait of an attempt record for its commit (see #scheduleSettleCommit). */
const SETTLE_COMMIT_MS = 10;

interface OpenParts {
  readonly db: SqliteDatabase;
  readonly context: StoreContext;
  readonly lock: OwnerLock;
  readonly writer: StoreWriter;
  readonly reader: DeliveryReader;
  readonly pruner: Pruner;
  readonly maintenance: StoreMaintenance;
  readonly endpoints: EndpointTable;
  /** Mints the ids of the deliveries this process writes. */
  readonly ids: IdEpoch;
}

/**
 * A {@link DeliveryStore} on a SQLite file: deliveries survive a crash or a
 * restart, every attempt is recorded, settled deliveries are pruned after
 * their retention. One dispatcher owns a file at a time; other processes read
 * it with {@link SqliteStore.inspect}.
 *
 * @example
 * ```ts
 * import { WebhookDispatcher } from "@attesta/webhooks";
 * import { SqliteStore } from "@attesta/webhooks/sqlite";
 *
 * const dispatcher = new WebhookDispatcher(bus, configs, {
 *   store: new SqliteStore({ path: "./webhooks.db" }),
 * });
 * ```
 */
export class SqliteStore implements DeliveryStore {
  readonly kind = "sqlite";
  readonly durable = true;
  readonly path: string;
  /** `storeSecrets`: whether endpoint secrets are written with their configs. */
  readonly keepsSecrets: boolean;
  readonly #options: ResolvedSqliteOptions;
  #parts: OpenParts | undefined;
  #state: "new" | "open" | "fenced" | "closed" = "new";
  readonly #queues = new Map<string, PendingQueue>();
  /**
   * Entries handed out by `lease` (and retried since), by id: only those
   * come back by id (recordAttempt, release). A fresh entry is not indexed,
   * so a commit of a large burst does not grow a map by one key per event.
   */
  readonly #byId = new Map<string, PendingEntry>();
  #seq = 0;
  /** Endpoints with events emitted since the last commit, in the order they got their first. */
  #dirty: PendingQueue[] = [];
  /** The queue of the last enqueue: a burst usually goes to the same endpoints in turn. */
  #lastQueue: PendingQueue | undefined;
  /** Counts commits; cached endpoint limits are read again in each. */
  #generation = 0;
  #commitScheduled = false;
  #fenceReported = false;
  #waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  #settleTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #commitLater = () => {
    this.#settleTimer = undefined;
    this.#commit(false);
  };
  readonly #commitSoon = () => {
    this.#commitScheduled = false;
    this.#commit(false);
  };

  constructor(options: SqliteStoreOptions) {
    this.#options = resolveSqliteOptions(options);
    this.path = this.#options.path;
    this.keepsSecrets = this.#options.storeSecrets;
  }

  /**
   * Opens a file read-only, for another process than its dispatcher (a CLI,
   * a dashboard): list and get deliveries, and request redeliveries that the
   * owning dispatcher picks up within its poll interval.
   */
  static inspect(path: string): SqliteInspector {
    return new SqliteInspector(path, BUSY_TIMEOUT_MS);
  }

  open(context: StoreContext): void {
    if (this.#state !== "new")
      throw new SqliteStoreError(
        "closed",
        this.path,
        `${this.path}: open() was already called. Fix: use one SqliteStore per dispatcher.`,
      );
    const o = this.#options;
    const db = openDatabase(o.path, {
      readonly: false,
      busyTimeoutMs: BUSY_TIMEOUT_MS,
      synchronous: o.synchronous,
    });
    try {
      const lock = new OwnerLock(db);
      lock.acquire(o.path, context.now(), o.staleLockMs);
      const reader = new DeliveryReader(db);
      const pruner = new Pruner(db, {
        deliveredMs: o.retainDeliveredMs,
        deadMs: o.retainDeadMs,
        batchSize: o.pruneBatchSize,
      });
      const writer = new StoreWriter(db, lock);
      const maintenance = new StoreMaintenance(db, o, {
        heartbeat: () => this.#commit(true),
        redeliver: (id) => this.redeliver(id, context.now()),
        prune: () => this.#pruneBatch(),
        wake: () => context.wake?.(),
      });
      const endpoints = new EndpointTable(db, lock);
      // Above every seq ever used, even by rows pruned since: no id repeats.
      this.#seq = Math.max(reader.maxSeq(), reader.epochs().lastFirstSeq);
      const ids = db.transaction(() => beginEpoch(db, this.#seq + 1)).immediate();
      this.#parts = { db, context, lock, writer, reader, pruner, maintenance, endpoints, ids };
      for (const row of reader.pending()) this.#resume(row);
    } catch (error) {
      db.close();
      this.#parts = undefined;
      throw error instanceof SqliteStoreError ? error : sqliteFailure(o.path, error, "read");
    }
    this.#state = "open";
    this.#parts.maintenance.start();
  }

  enqueue(endpointId: string, event: DispatchableEvent): DispatchableEvent | undefined {
    if (this.#parts === undefined) this.#require();
    let queue = this.#lastQueue;
    if (queue === undefined || queue.endpointId !== endpointId) {
      queue = this.#queue(endpointId);
      this.#lastQueue = queue;
    }
    // Read once per tick (each commit starts a generation): endpoint bounds
    // change rarely, and a lookup per emit is most of what an emit costs.
    if (queue.limitsGeneration !== this.#generation) {
      queue.limits = (this.#parts as OpenParts).context.limits(endpointId);
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
    if (this.#options.commit === "enqueue") this.#commit(false);
    else this.#scheduleCommit();
    return dropped;
  }

  lease(endpointId: string, now: number, limit: number): LeasedDelivery[] {
    if (this.#state !== "open") return [];
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
      // Nothing committed is due, but events wait in the buffer: commit them
      // now, so a delivery is on disk before its first attempt. Under load
      // the tick's commit has usually run first, and nothing is written here.
      if (queue.buffered === 0) break;
      this.#commit(false);
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

  recordAttempt(id: string, attempt: AttemptRecord, result: AttemptResult): void {
    const { writer } = this.#require();
    const entry = this.#byId.get(id);
    if (entry === undefined) {
      this.#recordLate(id, attempt, result);
      return;
    }
    entry.attempts = Math.max(entry.attempts, attempt.attempt);
    if (entry.state === "stored") writer.recordAttempt(entry.seq, attempt);
    if (result.status === "retry") {
      if (entry.leased) {
        entry.dueAt = result.at;
        this.#queue(entry.endpointId).requeue(entry);
      }
      this.#writeState(entry, { pending: result.at });
    } else {
      this.#settle(entry, result.status, result.status === "dead" ? result.reason : null);
    }
    this.#scheduleSettleCommit();
  }

  release(id: string): void {
    const entry = this.#byId.get(id);
    if (entry === undefined || !entry.leased) return;
    entry.dueAt = this.#require().context.now();
    this.#queue(entry.endpointId).requeue(entry);
  }

  abandon(endpointId: string, reason: DeadReason): LeasedDelivery[] {
    this.#flushInserts();
    const queue = this.#queues.get(endpointId);
    if (queue === undefined) return [];
    // Leased deliveries are left to their holder, which settles them with recordAttempt.
    const victims = queue.waiting();
    queue.clearWaiting();
    for (const entry of victims) this.#settle(entry, "dead", reason);
    this.#scheduleCommit();
    return victims.map(toLeased);
  }

  pendingCount(endpointId: string): number {
    return this.#queues.get(endpointId)?.size ?? 0;
  }

  mark(endpointId: string): number {
    return this.#queue(endpointId).accepted + 1;
  }

  pendingBefore(endpointId: string, mark: number): boolean {
    return this.#queues.get(endpointId)?.pendingBefore(mark) ?? false;
  }

  get(id: string): DeliveryRecord | undefined {
    this.#flushAll();
    return this.#require().reader.get(id);
  }

  list(query?: DeliveryQuery): DeliveryRecord[] {
    this.#flushAll();
    return this.#require().reader.list(query);
  }

  redeliver(id: string, now: number): boolean {
    this.#flushAll();
    // A pending delivery (leased or waiting) is not redelivered: its row says pending.
    if (this.#byId.has(id)) return false;
    const row = this.#require().reader.row(id);
    if (row === undefined || row.status === "pending" || row.dead_reason === "unserializable")
      return false;
    const entry = this.#resume({ ...row, next_attempt_at: now, series_start: row.attempts });
    this.#writeState(entry, { pending: now });
    this.#scheduleCommit();
    return true;
  }

  persisted(): Promise<void> {
    if (this.#parts === undefined || this.#clean) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.#scheduleCommit();
    });
  }

  /**
   * Commits everything buffered now, on the caller's stack. The store does
   * this by itself once per tick; call it to commit at a point of your choice.
   */
  commit(): void {
    this.#commit(false);
  }

  /** `heartbeat` commits even an empty buffer, refreshing the owner row. */
  #commit(heartbeat: boolean): void {
    if (this.#settleTimer !== undefined) {
      clearTimeout(this.#settleTimer);
      this.#settleTimer = undefined;
    }
    const parts = this.#parts;
    if (parts === undefined || (this.#clean && !heartbeat)) {
      this.#settleWaiters();
      return;
    }
    this.#generation++;
    const unserializable = this.#materialize(parts);
    let failure: SqliteStoreError | undefined;
    let lost = 0;
    try {
      if (this.#state === "fenced") {
        lost = parts.writer.discard();
        failure = this.#lockLost();
      } else parts.writer.commit(parts.context.now());
    } catch (error) {
      if (!(error instanceof CommitFailure)) throw error;
      lost = error.lost;
      if (error.lockLost) this.#state = "fenced";
      failure = error.lockLost
        ? this.#lockLost()
        : sqliteFailure(this.path, error.error, "write to");
    }
    this.#settleWaiters(failure);
    // A fenced store reports each lost batch, not every heartbeat.
    if (
      failure !== undefined &&
      (lost > 0 || failure.code !== "lock_lost" || !this.#fenceReported)
    ) {
      this.#fenceReported ||= failure.code === "lock_lost";
      parts.context.onCommitError(failure, lost);
    }
    for (const [entry, error, event] of unserializable) {
      const record = parts.reader.get(entry.id);
      if (record !== undefined) parts.context.onUnserializable(record, error, event);
    }
  }

  /** Deletes every settled delivery past its retention now; returns how many. */
  prune(): number {
    let total = 0;
    for (let n = this.#pruneBatch(); n > 0; n = this.#pruneBatch()) total += n;
    this.#require().pruner.shrink();
    return total;
  }

  async close(): Promise<void> {
    const parts = this.#parts;
    if (this.#state === "closed" || parts === undefined) return;
    parts.maintenance.stop();
    this.#commit(false);
    this.#state = "closed";
    this.#parts = undefined;
    try {
      parts.lock.release();
    } finally {
      parts.db.close();
    }
  }

  /**
   * Keeps an endpoint config in the file. Throws SqliteStoreError when it
   * holds a secret and `storeSecrets` is off (the dispatcher strips it), or
   * when another process owns the file now.
   */
  saveEndpoint(endpoint: StoredEndpoint): void {
    if (!this.keepsSecrets && endpoint.config.secret !== undefined) {
      throw new SqliteStoreError(
        "io",
        this.path,
        `saveEndpoint("${endpoint.id}") was given a secret while storeSecrets is off; nothing was written. Fix: strip secret from the config, or pass storeSecrets: true to write secrets on purpose.`,
      );
    }
    this.#writeEndpoint(() => this.#require().endpoints.save(endpoint, this.#now()));
  }

  removeEndpoint(id: string): void {
    this.#writeEndpoint(() => this.#require().endpoints.remove(id, this.#now()));
  }

  /** The endpoint configs in the file, in the order they were first saved. */
  loadEndpoints(): StoredEndpoint[] {
    try {
      return this.#require().endpoints.load();
    } catch (error) {
      throw error instanceof SqliteStoreError ? error : sqliteFailure(this.path, error, "read");
    }
  }

  #writeEndpoint(write: () => boolean): void {
    if (this.#state === "fenced") throw this.#lockLost();
    let owned: boolean;
    try {
      owned = write();
    } catch (error) {
      throw error instanceof SqliteStoreError ? error : sqliteFailure(this.path, error, "write");
    }
    if (!owned) {
      this.#state = "fenced";
      throw this.#lockLost();
    }
  }

  #now(): number {
    return this.#require().context.now();
  }

  #pruneBatch(): number {
    this.#flushAll();
    return this.#require().pruner.pruneBatch(this.#require().context.now());
  }

  #require(): OpenParts {
    if (this.#parts === undefined) {
      throw new SqliteStoreError(
        "closed",
        this.path,
        `the SqliteStore on ${this.path} is ${this.#state === "new" ? "not open yet" : "closed"}. Fix: hand it to a WebhookDispatcher (which opens it) and do not use it after close().`,
      );
    }
    return this.#parts;
  }

  #queue(endpointId: string): PendingQueue {
    let queue = this.#queues.get(endpointId);
    if (queue === undefined) {
      queue = new PendingQueue(endpointId);
      this.#queues.set(endpointId, queue);
    }
    return queue;
  }

  #resume(row: DeliveryRow): PendingEntry {
    const queue = this.#queue(row.endpoint_id);
    const entry: PendingEntry = {
      seq: row.seq,
      order: queue.nextOrder(),
      id: row.id,
      endpointId: row.endpoint_id,
      event: row.event,
      body: row.body,
      source: undefined,
      attempts: row.attempts,
      seriesStart: row.series_start,
      createdAt: row.created_at,
      dueAt: row.next_attempt_at ?? row.created_at,
      leased: false,
      live: true,
      state: "stored",
    };
    queue.pushLater(entry);
    return entry;
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
    if (victim.state === "stored") this.#require().writer.delete(victim.seq);
    return victim.source ?? eventFromBody(victim);
  }

  #settle(entry: PendingEntry, status: "delivered" | "dead", reason: DeadReason | null): void {
    this.#queue(entry.endpointId).remove(entry);
    this.#byId.delete(entry.id);
    this.#writeState(entry, { status, reason });
  }

  #writeState(
    entry: PendingEntry,
    change: { pending: number } | { status: "delivered" | "dead"; reason: DeadReason | null },
  ): void {
    if (entry.state !== "stored") return;
    const now = this.#require().context.now();
    this.#require().writer.setState(
      entry.seq,
      "pending" in change
        ? {
            status: "pending",
            attempts: entry.attempts,
            seriesStart: entry.seriesStart,
            nextAttemptAt: change.pending,
            settledAt: null,
            deadReason: null,
          }
        : {
            status: change.status,
            attempts: entry.attempts,
            seriesStart: entry.seriesStart,
            nextAttemptAt: null,
            settledAt: now,
            deadReason: change.reason,
          },
    );
  }

  /** An attempt for a delivery no longer pending here (abandoned while in flight): recorded, and a success still counts. */
  #recordLate(id: string, attempt: AttemptRecord, result: AttemptResult): void {
    this.#flushAll();
    const { reader, writer, context } = this.#require();
    const row = reader.row(id);
    if (row === undefined) return;
    const attempts = Math.max(row.attempts, attempt.attempt);
    writer.recordAttempt(row.seq, attempt);
    if (result.status === "delivered") {
      writer.setState(row.seq, {
        status: "delivered",
        attempts,
        seriesStart: row.series_start,
        nextAttemptAt: null,
        settledAt: context.now(),
        deadReason: null,
      });
    } else {
      writer.setState(row.seq, {
        status: row.status,
        attempts,
        seriesStart: row.series_start,
        nextAttemptAt: row.next_attempt_at,
        settledAt: row.settled_at,
        deadReason: row.dead_reason,
      });
    }
    this.#scheduleSettleCommit();
  }

  /**
   * Turns the buffered events into entries (seq, id, body) and hands them to
   * the writer; returns those whose data is not JSON, now dead.
   */
  #materialize(parts: OpenParts): [PendingEntry, unknown, DispatchableEvent][] {
    const failed: [PendingEntry, unknown, DispatchableEvent][] = [];
    if (this.#dirty.length === 0) return failed;
    const dirty = this.#dirty;
    this.#dirty = [];
    const { context, writer, ids } = parts;
    const now = context.now();
    // One event fans out to several endpoints: serialise it once per commit.
    const bodies = dirty.length > 1 ? new Map<DispatchableEvent, Uint8Array>() : undefined;
    let lastType = "";
    let lastEvent = "";
    const upperCase = (type: string): string => {
      lastType = type;
      lastEvent = type.toUpperCase();
      return lastEvent;
    };
    for (const queue of dirty) {
      const { events, firstOrder } = queue.takeBuffered();
      for (let k = 0; k < events.length; k++) {
        const source = events[k] as DispatchableEvent;
        const seq = ++this.#seq;
        const entry: PendingEntry = {
          seq,
          order: firstOrder + k,
          id: ids.idOf(seq),
          endpointId: queue.endpointId,
          event: source.type === lastType ? lastEvent : upperCase(source.type),
          body: undefined,
          source,
          attempts: 0,
          seriesStart: 0,
          // Routing time: the bus stamps every event as it is emitted. Due at once,
          // whatever the timestamp says.
          createdAt: source.timestamp,
          dueAt: now,
          leased: false,
          live: true,
          state: "buffered",
        };
        writer.add(entry);
        try {
          let body = bodies?.get(source);
          if (body === undefined) {
            body = context.serialize(source);
            bodies?.set(source, body);
          }
          entry.body = body;
        } catch (error) {
          entry.live = false;
          entry.deadReason = "unserializable";
          entry.source = undefined;
          failed.push([entry, error, source]);
          continue;
        }
        queue.pushFresh(entry);
      }
    }
    return failed;
  }

  /** True when nothing waits to be written. */
  get #clean(): boolean {
    return this.#dirty.length === 0 && (this.#parts?.writer.empty ?? true);
  }

  #flushInserts(): void {
    if (this.#dirty.length > 0) this.#commit(false);
  }

  #flushAll(): void {
    if (!this.#clean) this.#commit(false);
  }

  /**
   * Attempt records and settlements wait up to SETTLE_COMMIT_MS for a
   * commit, so that under load many rounds share one transaction instead of
   * a commit per tick. Nothing owed can be lost by the wait: a crash inside
   * it leaves those deliveries pending in the file, and they are sent again
   * (at least once).
   */
  #scheduleSettleCommit(): void {
    if (this.#commitScheduled || this.#settleTimer !== undefined) return;
    this.#settleTimer = setTimeout(this.#commitLater, SETTLE_COMMIT_MS);
  }

  #scheduleCommit(): void {
    if (this.#commitScheduled) return;
    this.#commitScheduled = true;
    setImmediate(this.#commitSoon);
  }

  #settleWaiters(error?: unknown): void {
    if (this.#waiters.length === 0) return;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }

  #lockLost(): SqliteStoreError {
    return new SqliteStoreError(
      "lock_lost",
      this.path,
      `another process took ${this.path} over (this process's heartbeat was older than ${this.#options.staleLockMs} ms, for instance after a long event-loop stall); this dispatcher stopped sending and writing. Fix: restart it, and raise staleLockMs if the stall was expected.`,
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
