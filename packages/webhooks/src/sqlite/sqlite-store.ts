/**
 * The durable delivery store: pending deliveries live in memory for the
 * scheduler and in a SQLite file (WAL mode) for the next process. Writes are
 * buffered and group-committed once per tick, so `emit` never waits on I/O.
 *
 * @module
 */

import type { AdminDeliveryPage, AdminDeliveryQuery, AdminMinute } from "../admin/delivery-admin";
import { closedError, lockLostError, openedTwiceError, type SqliteStoreError } from "../errors";
import type {
  AttemptRecord,
  AttemptResult,
  DeadReason,
  DeliveryQuery,
  DeliveryRecord,
  DeliveryStore,
  EndpointDisabledState,
  LeasedDelivery,
  StoreContext,
  StoredEndpoint,
} from "../store/delivery-store";
import type { DispatchableEvent } from "../types";
import { CommitSchedule } from "./commit-schedule";
import { endpointAccess, refuseSecret } from "./endpoint-writes";
import { sqliteFailure } from "./open-database";
import { BUSY_TIMEOUT_MS, type OpenParts, openStore } from "./open-store";
import { PendingDeliveries } from "./pending-deliveries";
import { SqliteInspector } from "./sqlite-inspector";
import {
  type ResolvedSqliteOptions,
  resolveInspectOptions,
  resolveSqliteOptions,
  type SqliteInspectOptions,
  type SqliteStoreOptions,
} from "./sqlite-store-options";
import { CommitFailure, lateAttemptState, pendingState } from "./store-writer";

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
  readonly #pending: PendingDeliveries;
  readonly #schedule = new CommitSchedule(() => this.#commit(false));
  #fenceReported = false;

  constructor(options: SqliteStoreOptions) {
    this.#options = resolveSqliteOptions(options);
    this.#pending = new PendingDeliveries(this.#options.maxStoredPending);
    this.path = this.#options.path;
    this.keepsSecrets = this.#options.storeSecrets;
  }

  /**
   * Opens a file read-only, for another process than its dispatcher (a CLI,
   * a dashboard): list and get deliveries, and request redeliveries that the
   * owning dispatcher picks up within its poll interval.
   */
  static inspect(path: string, options?: SqliteInspectOptions): SqliteInspector {
    return new SqliteInspector(path, BUSY_TIMEOUT_MS, resolveInspectOptions(options).driver);
  }

  open(context: StoreContext): void {
    if (this.#state !== "new") throw openedTwiceError(this.path);
    const parts = openStore(this.#options, context, {
      heartbeat: () => {
        this.#commit(true);
        if (this.#parts !== undefined) this.#parts.sizeWatch.check(context);
      },
      redeliver: (id) => this.redeliver(id, context.now()),
      prune: () => this.#pruneBatch(),
      wake: () => context.wake?.(),
    });
    this.#parts = parts;
    this.#pending.attach(parts, parts.lastSeq);
    try {
      // Counts only: each endpoint's window is paged in at its first lease.
      this.#pending.resumeFromFile();
      parts.sizeWatch.check(context);
    } catch (error) {
      parts.db.close();
      this.#parts = undefined;
      throw sqliteFailure(this.path, error, "read");
    }
    this.#state = "open";
    parts.maintenance.start();
  }

  enqueue(endpointId: string, event: DispatchableEvent): DispatchableEvent | undefined {
    if (this.#parts === undefined) this.#require();
    const dropped = this.#pending.enqueue(endpointId, event);
    if (dropped === event) return event;
    if (this.#options.commit === "enqueue") this.#commit(false);
    else this.#schedule.soon();
    return dropped;
  }

  lease(endpointId: string, now: number, limit: number): LeasedDelivery[] {
    if (this.#state !== "open") return [];
    return this.#pending.lease(endpointId, now, limit, () => this.#commit(false));
  }

  nextDueAt(endpointId: string): number | undefined {
    return this.#pending.nextDueAt(endpointId);
  }

  recordAttempt(id: string, attempt: AttemptRecord, result: AttemptResult): void {
    this.#require();
    if (!this.#pending.recordAttempt(id, attempt, result)) this.#recordLate(id, attempt, result);
    this.#schedule.settleLater();
  }

  release(id: string): void {
    this.#pending.release(id, this.#require().context.now());
  }

  abandon(endpointId: string, reason: DeadReason): LeasedDelivery[] {
    if (this.#pending.hasBuffered) this.#commit(false);
    const victims = this.#pending.abandon(endpointId, reason, this.#now(), () =>
      this.#commit(false),
    );
    this.#schedule.soon();
    return victims;
  }

  pendingCount(endpointId: string): number {
    return this.#pending.pendingCount(endpointId);
  }

  mark(endpointId: string): number {
    return this.#pending.mark(endpointId);
  }

  pendingBefore(endpointId: string, mark: number): boolean {
    return this.#pending.pendingBefore(endpointId, mark);
  }

  get(id: string): DeliveryRecord | undefined {
    this.#flushAll();
    return this.#require().reader.get(id);
  }

  list(query?: DeliveryQuery): DeliveryRecord[] {
    this.#flushAll();
    return this.#require().reader.list(query);
  }

  page(query: AdminDeliveryQuery): AdminDeliveryPage {
    this.#flushAll();
    return this.#require().reader.page(query);
  }

  minutes(range: { since: number; until: number }): AdminMinute[] {
    this.#flushAll();
    return this.#require().reader.minutes(range);
  }

  redeliver(id: string, now: number): boolean {
    this.#flushAll();
    // A pending delivery (leased or waiting) is not redelivered: its row says pending.
    if (this.#pending.has(id)) return false;
    const { reader, writer } = this.#require();
    const row = reader.row(id);
    if (row === undefined || row.status === "pending") return false;
    if (row.dead_reason === "unserializable" || row.dead_reason === "format_failed") return false;
    const entry = this.#pending.resume(row, now, row.attempts);
    writer.setState(entry.seq, pendingState(entry, now));
    this.#schedule.soon();
    return true;
  }

  persisted(): Promise<void> {
    if (this.#parts === undefined || this.#clean) return Promise.resolve();
    return this.#schedule.wait();
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
    this.#schedule.starting();
    const parts = this.#parts;
    if (parts === undefined || (this.#clean && !heartbeat)) {
      this.#schedule.done();
      return;
    }
    const unserializable = this.#pending.materialize();
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
      this.#pending.keepInMemory(error.entries);
      if (error.lockLost) this.#state = "fenced";
      failure = error.lockLost
        ? this.#lockLost()
        : sqliteFailure(this.path, error.error, "write to");
    }
    this.#schedule.done(failure);
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
    refuseSecret(this.path, this.keepsSecrets, endpoint);
    this.#writeEndpoint(() => this.#require().endpoints.save(endpoint, this.#now()));
  }

  removeEndpoint(id: string): void {
    this.#writeEndpoint(() => this.#require().endpoints.remove(id, this.#now()));
  }

  /** Keeps whether an endpoint is disabled, so that a restart does not enable it. */
  saveEndpointState(id: string, disabled: EndpointDisabledState | undefined): void {
    this.#writeEndpoint(() => this.#require().endpoints.saveState(id, disabled, this.#now()));
  }

  /** The endpoint configs in the file, in the order they were first saved. */
  loadEndpoints(): StoredEndpoint[] {
    return endpointAccess(this.path, "read", () => this.#require().endpoints.load());
  }

  #writeEndpoint(write: () => boolean): void {
    if (this.#state === "fenced") throw this.#lockLost();
    if (endpointAccess(this.path, "write", write)) return;
    this.#state = "fenced";
    throw this.#lockLost();
  }

  #now(): number {
    return this.#require().context.now();
  }

  #pruneBatch(): number {
    this.#flushAll();
    return this.#require().pruner.pruneBatch(this.#require().context.now());
  }

  #require(): OpenParts {
    if (this.#parts === undefined) throw closedError(this.path, this.#state === "new");
    return this.#parts;
  }

  /** An attempt for a delivery no longer pending here (abandoned while in flight): recorded, and a success still counts. */
  #recordLate(id: string, attempt: AttemptRecord, result: AttemptResult): void {
    this.#flushAll();
    const { reader, writer, context } = this.#require();
    const row = reader.row(id);
    if (row === undefined) return;
    writer.recordAttempt(row.seq, attempt);
    writer.setState(row.seq, lateAttemptState(row, attempt, result, context.now()));
  }

  /** True when nothing waits to be written. */
  get #clean(): boolean {
    return !this.#pending.hasBuffered && (this.#parts?.writer.empty ?? true);
  }

  #flushAll(): void {
    if (!this.#clean) this.#commit(false);
  }

  #lockLost(): SqliteStoreError {
    return lockLostError(this.path, this.#options.staleLockMs);
  }
}
