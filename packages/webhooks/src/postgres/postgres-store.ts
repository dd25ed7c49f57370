/**
 * The delivery store that several processes share through one PostgreSQL
 * database. The database is the queue: each process holds a bounded window
 * of the endpoints it delivers (see EndpointLeases), refilled from the
 * database as it drains; emits and settlements are buffered and committed in
 * batches of one statement, off the caller's stack.
 *
 * @module
 */

import type { AdminDeliveryPage, AdminDeliveryQuery, AdminMinute } from "../admin/delivery-page";
import type { DispatchableEvent } from "../dispatchable-event";
import { lifecycleError, queryFailed } from "../errors";
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
import { plainAttempt } from "../store/plain-attempt";
import type { EndpointWindow } from "./endpoint-window";
import { killWaiting } from "./kill-waiting";
import { type OpenPostgresStore, openPostgresStore } from "./open-postgres-store";
import { PostgresInspector } from "./postgres-inspector";
import {
  type PoolLike,
  type PostgresStoreOptions,
  type ResolvedPostgresOptions,
  resolvePostgresOptions,
} from "./postgres-store-options";
import { redeliverRow } from "./redeliver-row";
import { freshEntry, leasedView, settleEntry } from "./window-entry";

/**
 * A {@link DeliveryStore} on PostgreSQL for apps that run several instances:
 * every process emits and delivers, each endpoint is delivered by one process
 * at a time (so its concurrency, rate limit and order hold across all of
 * them), and a killed process's endpoints pass to the others after `leaseMs`.
 *
 * @example
 * ```ts
 * import { WebhookDispatcher } from "@attesta/webhooks";
 * import { PostgresStore } from "@attesta/webhooks/postgres";
 *
 * const dispatcher = new WebhookDispatcher(bus, configs, {
 *   store: new PostgresStore({ connection: process.env.DATABASE_URL ?? "" }),
 * });
 * ```
 */
export class PostgresStore implements DeliveryStore {
  readonly kind = "postgres";
  readonly durable = true;
  readonly schema: string;
  readonly keepsSecrets: boolean;
  private readonly options: ResolvedPostgresOptions;
  private opened: OpenPostgresStore | undefined;
  private state: "new" | "open" | "closed" = "new";
  private closedWindows: Map<string, EndpointWindow> | undefined;

  constructor(options: PostgresStoreOptions) {
    this.options = resolvePostgresOptions(options);
    this.schema = this.options.schema;
    this.keepsSecrets = this.options.storeSecrets;
  }

  /**
   * Reads the schema from another process than a dispatcher (a CLI, a
   * dashboard): async `list`, `get`, `requestRedelivery` and `counts` over
   * every process's deliveries.
   */
  static inspect(connection: string | PoolLike, schema = "attesta"): PostgresInspector {
    resolvePostgresOptions({ connection, schema });
    return new PostgresInspector(
      connection as ConstructorParameters<typeof PostgresInspector>[0],
      schema,
    );
  }

  open(context: StoreContext): void {
    // Opened twice: a closed store was open once too.
    if (this.state !== "new") throw lifecycleError(this.schema, "open");
    this.opened = openPostgresStore(this.options, context);
    this.state = "open";
  }

  enqueue(endpointId: string, event: DispatchableEvent): DispatchableEvent | undefined {
    const open = this.require();
    // While the database takes nothing, memory holds what waits for it, up to its bound.
    const { commits } = open;
    if (commits.failing && commits.uncommitted >= this.options.maxUncommitted) return event;
    const window = open.window(endpointId);
    const entry = freshEntry(open.context.mintId(), endpointId, event, window.nextOrder());
    open.buffer.insert(entry);
    // Past the window the row waits in the database: nothing acknowledged is dropped for memory.
    if (window.owned && !window.more && open.room(window) > 0) {
      open.byId.set(entry.id, entry);
      window.add(entry, 0);
    } else if (window.owned) {
      window.more = true;
      window.spilled++;
    } else open.buffer.notify(`i:${endpointId}`);
    open.commits.soon();
    return undefined;
  }

  lease(endpointId: string, now: number, limit: number): LeasedDelivery[] {
    const open = this.opened;
    const window = open?.windows.get(endpointId);
    if (open === undefined || window === undefined || !window.owned || !open.leases.valid)
      return [];
    // Drained with more in the database: page in now, unless the database is failing
    // (then the poll refills it, and the scheduler is never held up by a dead connection).
    if (window.more && window.nextDueAt() !== 0 && !open.commits.failing) {
      try {
        open.commits.commitNow(); // rows written past the window may still be buffered
        open.refill.refillSync(window);
      } catch {
        // The next poll tries again.
      }
    }
    const leased: LeasedDelivery[] = [];
    while (leased.length < limit) {
      const entry = window.take(now);
      if (entry === undefined) break;
      if (entry.status !== "pending" || !open.materialize(entry)) {
        window.settled(entry);
        open.byId.delete(entry.id);
        continue;
      }
      leased.push(leasedView(entry));
    }
    if (window.more) open.refill.refill(window);
    return leased;
  }

  nextDueAt(endpointId: string): number | undefined {
    const window = this.require().window(endpointId);
    if (!window.owned) return undefined;
    // Rows past the window may be due: report "now" so the scheduler leases, which pages them in.
    return window.more ? 0 : window.nextDueAt();
  }

  recordAttempt(id: string, attempt: AttemptRecord, result: AttemptResult): void {
    const open = this.require();
    open.buffer.attempt(id, plainAttempt(attempt));
    const entry = open.byId.get(id);
    if (entry !== undefined) {
      const window = open.window(entry.endpointId);
      entry.attempts = Math.max(entry.attempts, attempt.attempt);
      if (result.status === "retry") {
        entry.nextAttemptAt = result.at;
        window.retry(entry);
      } else {
        const reason = result.status === "dead" ? result.reason : undefined;
        settleEntry(entry, open.context.now(), result.status, reason);
        open.byId.delete(entry.id);
        window.settled(entry);
        if (window.more) open.refill.refill(window);
      }
      open.buffer.update(entry);
    }
    open.commits.soon();
  }

  release(id: string): void {
    const open = this.require();
    const entry = open.byId.get(id);
    if (entry?.leased) open.window(entry.endpointId).putBack(entry);
  }

  /** Every waiting row of the endpoint in the table, not only this process's window. */
  abandon(endpointId: string, reason: DeadReason): LeasedDelivery[] {
    return killWaiting(this.require(), endpointId, reason, undefined);
  }

  /** Every waiting row of the endpoint in the table created before `createdBefore`. */
  expire(endpointId: string, createdBefore: number): LeasedDelivery[] {
    return killWaiting(this.require(), endpointId, "expired", createdBefore);
  }

  pendingCount(endpointId: string): number {
    const window = this.counted(endpointId);
    return window === undefined ? 0 : window.size + window.spilled;
  }

  mark(endpointId: string): number {
    return this.counted(endpointId)?.accepted ?? 0;
  }

  pendingBefore(endpointId: string, mark: number): boolean {
    return this.counted(endpointId)?.holdsBefore(mark) ?? false;
  }

  /** The window to count in; after close, what was held at the end (stats of the close report). */
  private counted(endpointId: string): EndpointWindow | undefined {
    if (this.state === "closed") return this.closedWindows?.get(endpointId);
    return this.require().window(endpointId);
  }

  /** The delivery as the database has it (any process's), after this process's writes are committed. */
  get(id: string): DeliveryRecord | undefined {
    return this.flushed().reads.get(id);
  }

  /** Deliveries of every process sharing the schema, oldest first. */
  list(query?: DeliveryQuery): DeliveryRecord[] {
    return this.flushed().reads.list(query);
  }

  redeliver(id: string, now: number): boolean {
    return redeliverRow(this.flushed(), id, now);
  }

  /** One keyset page of every process's deliveries, newest first (the admin and console). */
  page(query: AdminDeliveryQuery): AdminDeliveryPage {
    return this.flushed().reads.page(query);
  }

  /** Delivered and failed per minute of the range, counted by the database. */
  minutes(range: { since: number; until: number }): AdminMinute[] {
    return this.flushed().reads.minutes(range);
  }

  /** Whether commits fail at the moment (the database is down or refusing). */
  get failing(): boolean {
    return this.opened?.commits.failing ?? false;
  }

  /** New deliveries held in memory because the database has not taken them yet. */
  get uncommitted(): number {
    return this.opened?.commits.uncommitted ?? 0;
  }

  persisted(): Promise<void> {
    return this.opened?.commits.wait() ?? Promise.resolve();
  }

  /** Commits what is buffered, releases this process's endpoints to the others, and disconnects. */
  async close(): Promise<void> {
    const open = this.opened;
    if (open === undefined || this.state === "closed") return;
    this.state = "closed";
    this.closedWindows = open.windows;
    await open.close();
    this.opened = undefined;
  }

  saveEndpoint(endpoint: StoredEndpoint): void {
    const open = this.require();
    open.endpoints.save(endpoint, open.context.now());
  }

  removeEndpoint(id: string): void {
    this.require().endpoints.remove(id);
  }

  saveEndpointState(id: string, disabled: EndpointDisabledState | undefined): void {
    const open = this.require();
    open.endpoints.saveState(id, disabled, open.context.now());
  }

  retireEndpoint(id: string): void {
    const open = this.require();
    open.endpoints.retire(id, open.context.now());
  }

  pendingEverywhere(id: string): number {
    return this.flushed().reads.pendingOf(id);
  }

  loadEndpoints(): StoredEndpoint[] {
    return this.require().endpoints.load();
  }

  private flushed(): OpenPostgresStore {
    const open = this.require();
    try {
      open.commits.commitNow();
    } catch (error) {
      throw queryFailed(this.schema, "commit this process's writes before reading", error);
    }
    return open;
  }

  private require(): OpenPostgresStore {
    if (this.opened !== undefined) return this.opened;
    throw lifecycleError(this.schema, this.state);
  }
}
