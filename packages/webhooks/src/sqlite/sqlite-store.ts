/**
 * The durable delivery store: pending deliveries live in memory for the
 * scheduler and in a SQLite file (WAL mode) for the next process. Writes are
 * buffered and group-committed once per tick, so `emit` never waits on I/O.
 *
 * @module
 */

import type { AdminDeliveryPage, AdminDeliveryQuery, AdminMinute } from "../admin/delivery-admin";
import { closedError, lockLostError, openedTwiceError } from "../errors";
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
import type { DeliveryReader } from "./delivery-reader";
import { endpointAccess, refuseSecret } from "./endpoint-writes";
import type { IntegrityState } from "./file-integrity";
import { BUSY_TIMEOUT_MS, type OpenSqliteStore, openStore } from "./open-store";
import { PendingDeliveries } from "./pending-deliveries";
import { SqliteInspector } from "./sqlite-inspector";
import {
  type ResolvedSqliteOptions,
  resolveInspectOptions,
  resolveSqliteOptions,
  type SqliteInspectOptions,
  type SqliteStoreOptions,
} from "./sqlite-store-options";
import { StoreCommits } from "./store-commits";
import { recordLateAttempt, releaseFile, requeueSettled, resumePending } from "./store-steps";

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
  private readonly options: ResolvedSqliteOptions;
  private parts: OpenSqliteStore | undefined;
  private state: "new" | "open" | "fenced" | "closed" = "new";
  private readonly pending: PendingDeliveries;
  private readonly commits: StoreCommits;

  constructor(options: SqliteStoreOptions) {
    this.options = resolveSqliteOptions(options);
    this.pending = new PendingDeliveries(this.options.maxStoredPending);
    this.path = this.options.path;
    this.keepsSecrets = this.options.storeSecrets;
    this.commits = new StoreCommits(
      {
        path: this.path,
        pending: this.pending,
        parts: () => this.parts,
        fenced: () => this.state === "fenced",
        fence: () => {
          this.state = "fenced";
        },
        lockLost: () => lockLostError(this.path, this.options.staleLockMs),
      },
      this.options.maxUncommitted,
    );
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
    if (this.state !== "new") throw openedTwiceError(this.path);
    const parts = openStore(this.options, context, {
      heartbeat: () => {
        this.commits.commit(true);
        if (this.parts !== undefined) this.parts.sizeWatch.check(context);
      },
      redeliver: (id) => this.redeliver(id, context.now()),
      prune: () => this.pruneBatch(),
      wake: () => context.wake?.(),
      failed: (error) => this.commits.maintenanceFailed(error),
    });
    resumePending(parts, this.pending, this.path);
    this.parts = parts;
    this.state = "open";
    parts.maintenance.start();
    parts.integrity.start(this.path, parts.driver, BUSY_TIMEOUT_MS, context);
  }

  enqueue(endpointId: string, event: DispatchableEvent): DispatchableEvent | undefined {
    if (this.parts === undefined) this.require();
    // While the disk takes nothing, memory holds what waits for it, up to its bound.
    if (!this.commits.admit()) return event;
    const dropped = this.pending.enqueue(endpointId, event);
    if (dropped === event) return event;
    if (this.options.commit === "enqueue") this.commits.commit(false);
    else this.commits.soon();
    return dropped;
  }

  lease(endpointId: string, now: number, limit: number): LeasedDelivery[] {
    if (this.state !== "open" || this.commits.paused) return [];
    return this.pending.lease(endpointId, now, limit, () => this.commits.commit(false));
  }

  nextDueAt(endpointId: string): number | undefined {
    if (this.commits.paused) return undefined;
    return this.pending.nextDueAt(endpointId);
  }

  recordAttempt(id: string, attempt: AttemptRecord, result: AttemptResult): void {
    this.require();
    if (!this.pending.recordAttempt(id, attempt, result)) {
      // No longer pending here (abandoned while in flight): recorded, and a success still counts.
      this.commits.flushAll();
      recordLateAttempt(this.require(), id, attempt, result);
    }
    this.commits.settleLater();
  }

  release(id: string): void {
    this.pending.release(id, this.require().context.now());
  }

  abandon(endpointId: string, reason: DeadReason): LeasedDelivery[] {
    if (this.pending.hasBuffered) this.commits.commit(false);
    const victims = this.pending.abandon(endpointId, reason, this.now(), () =>
      this.commits.commit(false),
    );
    this.commits.soon();
    return victims;
  }

  expire(endpointId: string, createdBefore: number): LeasedDelivery[] {
    if (this.parts === undefined) return [];
    const expired = this.pending.expire(endpointId, createdBefore, this.now(), () =>
      this.commits.commit(false),
    );
    if (expired.length > 0) this.commits.soon();
    return expired;
  }

  pendingCount(endpointId: string): number {
    return this.pending.pendingCount(endpointId);
  }

  mark(endpointId: string): number {
    return this.pending.mark(endpointId);
  }

  pendingBefore(endpointId: string, mark: number): boolean {
    return this.pending.pendingBefore(endpointId, mark);
  }

  get(id: string): DeliveryRecord | undefined {
    return this.reader().get(id);
  }

  list(query?: DeliveryQuery): DeliveryRecord[] {
    return this.reader().list(query);
  }

  page(query: AdminDeliveryQuery): AdminDeliveryPage {
    return this.reader().page(query);
  }

  minutes(range: { since: number; until: number }): AdminMinute[] {
    return this.reader().minutes(range);
  }

  redeliver(id: string, now: number): boolean {
    this.commits.flushAll();
    // A pending delivery (leased or waiting) is not redelivered: its row says pending.
    if (this.pending.has(id) || !requeueSettled(this.require(), this.pending, id, now))
      return false;
    this.commits.soon();
    return true;
  }

  persisted(): Promise<void> {
    return this.commits.persisted();
  }

  /**
   * Commits everything buffered now, on the caller's stack. The store does
   * this by itself once per tick; call it to commit at a point of your choice.
   */
  commit(): void {
    this.commits.commit(false);
  }

  /** Deliveries waiting for their first commit while commits fail (0 otherwise). */
  get uncommitted(): number {
    return this.parts?.writer.uncommitted ?? 0;
  }

  /** Whether the last commit failed (disk full, I/O error, read-only file) and the store is retrying. */
  get failing(): boolean {
    return this.commits.failing;
  }

  /** The file's integrity check: `ok`, `checking` (in the background), `corrupt` (nothing is sent), `unchecked`. */
  get integrity(): IntegrityState {
    return this.parts?.integrity.state ?? "unchecked";
  }

  /** Deletes every settled delivery past its retention now; returns how many. */
  prune(): number {
    let total = 0;
    for (let n = this.pruneBatch(); n > 0; n = this.pruneBatch()) total += n;
    this.require().pruner.shrink();
    return total;
  }

  async close(): Promise<void> {
    const parts = this.parts;
    if (this.state === "closed" || parts === undefined) return;
    parts.maintenance.stop();
    this.commits.last(parts);
    this.state = "closed";
    this.parts = undefined;
    releaseFile(parts);
  }

  /**
   * Keeps an endpoint config in the file. Throws SqliteStoreError when it
   * holds a secret and `storeSecrets` is off (the dispatcher strips it), or
   * when another process owns the file now.
   */
  saveEndpoint(endpoint: StoredEndpoint): void {
    refuseSecret(this.path, this.keepsSecrets, endpoint);
    this.writeEndpoint(() => this.require().endpoints.save(endpoint, this.now()));
  }

  removeEndpoint(id: string): void {
    this.writeEndpoint(() => this.require().endpoints.remove(id, this.now()));
  }

  /** Keeps whether an endpoint is disabled, so that a restart does not enable it. */
  saveEndpointState(id: string, disabled: EndpointDisabledState | undefined): void {
    this.writeEndpoint(() => this.require().endpoints.saveState(id, disabled, this.now()));
  }

  /** The endpoint configs in the file, in the order they were first saved. */
  loadEndpoints(): StoredEndpoint[] {
    return endpointAccess(this.path, "read", () => this.require().endpoints.load());
  }

  private writeEndpoint(write: () => boolean): void {
    if (this.state !== "fenced" && endpointAccess(this.path, "write", write)) return;
    this.state = "fenced";
    throw lockLostError(this.path, this.options.staleLockMs);
  }

  private now(): number {
    return this.require().context.now();
  }

  private pruneBatch(): number {
    this.commits.flushAll();
    return this.require().pruner.pruneBatch(this.require().context.now());
  }

  /** The reader, after committing what is buffered so that it reads it. */
  private reader(): DeliveryReader {
    this.commits.flushAll();
    return this.require().reader;
  }

  private require(): OpenSqliteStore {
    if (this.parts === undefined) throw closedError(this.path, this.state === "new");
    return this.parts;
  }
}
