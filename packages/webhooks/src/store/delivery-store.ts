/**
 * The boundary between "what is owed" and "when and how it is sent": every
 * delivery store (memory, SQLite) implements this interface and passes the
 * shared contract suite in `test/support/store-contract.ts`.
 *
 * Methods are synchronous on purpose: both stores answer from memory or from
 * an embedded database in microseconds, and a promise per call would cost the
 * hot path more than the work itself. A store that must do slow I/O buffers
 * and commits in the background, and reports durability through `persisted()`.
 *
 * @module
 */
import type { AdminDeliveryPage, AdminDeliveryQuery, AdminMinute } from "../admin/delivery-page";
import type { DispatchableEvent } from "../dispatchable-event";
import type { FormattedBody } from "../format/formatted-body";
import type { AttemptRecord, DeadReason, DeliveryRecord, DeliveryStatus } from "./delivery-record";
import type { EndpointDisabledState, StoredEndpoint } from "./stored-endpoint";

export type { FormattedBody } from "../format/formatted-body";
export type {
  AttemptErrorKind,
  AttemptRecord,
  DeadReason,
  DeliveryRecord,
  DeliveryStatus,
  DisableReason,
} from "./delivery-record";
export type { EndpointDisabledState, StoredEndpoint } from "./stored-endpoint";

/** A pending delivery handed to the scheduler by `lease`. */
export interface LeasedDelivery {
  readonly id: string;
  readonly endpointId: string;
  /** Upper-case event name. */
  readonly event: string;
  /** Body bytes; serialised at routing time, so every attempt sends the same bytes. */
  readonly body: Uint8Array;
  /** The `Content-Type` its format set; absent: `application/json`. */
  readonly contentType?: string;
  /** Extra request headers its format set (names lower-case). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Attempts already made before this lease (0 for a fresh delivery), over every series. */
  readonly attempts: number;
  /**
   * Attempts already made in the current series: 0 for a fresh or redelivered
   * delivery. The retry budget (`retryCount`) applies per series.
   */
  readonly attemptsInSeries: number;
  readonly createdAt: number;
}

/** The end of one attempt, recorded atomically with the attempt itself. */
export type AttemptResult =
  | { readonly status: "delivered" }
  | { readonly status: "retry"; readonly at: number }
  | { readonly status: "dead"; readonly reason: DeadReason };

/**
 * Filter of `list` and `recover`. Every field narrows; none means all. The
 * dispatcher normalises it before it reaches a store: `event` upper-case,
 * `since` epoch ms, `limit` a positive integer.
 */
export interface DeliveryQuery {
  readonly status?: DeliveryStatus;
  /** Endpoint id. */
  readonly endpoint?: string;
  /** Upper-case or lower-case event name. */
  readonly event?: string;
  /** Epoch ms or Date: only deliveries created at or after it. */
  readonly since?: number | Date;
  /** Default 100. */
  readonly limit?: number;
}

/**
 * What is owed and what happened. One instance serves one dispatcher; the
 * dispatcher calls `open` once before any other method and `close` last.
 */
export interface DeliveryStore {
  /** `"memory"` or `"sqlite"`: shown in stats and errors. */
  readonly kind: string;
  /** Whether deliveries survive a restart of the process. */
  readonly durable: boolean;

  /**
   * Binds the store to the dispatcher's serialiser and endpoint ids. A durable
   * store resumes what it holds here: pending deliveries keep their id, attempt
   * count and next attempt time.
   */
  open(context: StoreContext): void;

  /**
   * Records that `event` is owed to `endpointId`. Runs inside `bus.emit`: O(1),
   * no I/O on the caller's stack (buffer and commit on a later tick), and no
   * allocation on the refusal path either. Returns the event that was not
   * kept when the store's bound refused one (for `"drop-oldest"`, the evicted
   * older event; for `"drop-newest"`, `event` itself); `undefined` otherwise.
   */
  enqueue(endpointId: string, event: DispatchableEvent): DispatchableEvent | undefined;

  /**
   * Hands out up to `limit` pending deliveries of `endpointId` that are due at
   * `now`, oldest first, and hides them from further leases until they are
   * settled by `recordAttempt` or released by `release`.
   */
  lease(endpointId: string, now: number, limit: number): LeasedDelivery[];

  /**
   * Epoch ms of the earliest pending, unleased delivery of the endpoint;
   * undefined when none. A delivery that is due at once may report any time
   * at or before now.
   */
  nextDueAt(endpointId: string): number | undefined;

  /** Records one attempt and what follows it, atomically. A `retry` returns the delivery to the pending set at `at`. */
  recordAttempt(id: string, attempt: AttemptRecord, result: AttemptResult): void;

  /** Gives a leased delivery back unchanged (shutdown before its attempt started). */
  release(id: string): void;

  /**
   * Marks every pending, unleased delivery of the endpoint dead (close
   * deadline, endpoint removed with drop) and returns them. Leased deliveries
   * are left to their holder, which settles them with `recordAttempt`.
   */
  abandon(endpointId: string, reason: DeadReason): LeasedDelivery[];

  /**
   * Marks every pending, unleased delivery of the endpoint created before
   * `createdBefore` (epoch ms) dead as `expired` and returns them. Leased
   * deliveries are left to their holder.
   */
  expire(endpointId: string, createdBefore: number): LeasedDelivery[];

  /** Counts of pending deliveries per endpoint, leased included. */
  pendingCount(endpointId: string): number;

  /**
   * A position in the endpoint's order of acceptance: every delivery enqueued
   * or redelivered later is at or past it. `flush()` takes one per endpoint.
   */
  mark(endpointId: string): number;

  /**
   * Whether a pending delivery of the endpoint (leased or not) was enqueued or
   * redelivered before `mark`. Erring towards `true` for a redelivery made in
   * the same instant as the mark is allowed; `false` while one is owed is not.
   */
  pendingBefore(endpointId: string, mark: number): boolean;

  get(id: string): DeliveryRecord | undefined;

  /** Matching deliveries, oldest first (by `createdAt`), at most `limit`. */
  list(query?: DeliveryQuery): DeliveryRecord[];

  /**
   * Puts a delivered or dead delivery back to pending, due now, under the same
   * id; its attempt count continues and its series count (`attemptsInSeries`)
   * starts again at 0. Returns false when the id is unknown, still pending,
   * or has no body to send (dead as `unserializable`).
   */
  redeliver(id: string, now: number): boolean;

  /**
   * One newest-first page with a keyset cursor, for operators. Optional: the
   * dispatcher pages `list` in memory for a store without it, so a store that
   * can hold many deliveries (a durable one) should have it.
   */
  page?(query: AdminDeliveryQuery): AdminDeliveryPage;

  /** Deliveries settled per minute in [since, until). Optional, with `page`. */
  minutes?(range: { since: number; until: number }): AdminMinute[];

  /** Resolves once every enqueue made before the call is durable (at once for memory). */
  persisted(): Promise<void>;

  /** Commits what is buffered and releases the file or memory. */
  close(): Promise<void>;

  /** Whether commits fail at the moment (a durable store on a full or broken disk). Optional. */
  readonly failing?: boolean;
  /** Deliveries held in memory because their first commit failed. Optional. */
  readonly uncommitted?: number;
  /** A durable store's file: checked (`ok`), being checked, found damaged, or `unchecked`. Optional. */
  readonly integrity?: "ok" | "checking" | "corrupt" | "unchecked";

  /**
   * Whether `saveEndpoint` may receive secrets. Unless `true`, the dispatcher
   * removes `secret` from every config before it reaches the store.
   */
  readonly keepsSecrets?: boolean;

  /**
   * Keeps an endpoint config (replacing the one with the same id). Optional:
   * a store without it (the memory store) keeps no endpoints, and a restart
   * knows only the constructor's configs. Called after `open`.
   */
  saveEndpoint?(endpoint: StoredEndpoint): void;

  /** Forgets the endpoint config with this id (`removeEndpoint`). Optional, with `saveEndpoint`. */
  removeEndpoint?(id: string): void;

  /** Every endpoint config kept, oldest first. Optional, with `saveEndpoint`; called once after `open`. */
  loadEndpoints?(): StoredEndpoint[];

  /**
   * Keeps whether the endpoint with this id is disabled (`undefined`:
   * enabled), so that a restart does not enable it again. Optional, with
   * `saveEndpoint`; the config it was saved with stays as it is.
   */
  saveEndpointState?(id: string, disabled: EndpointDisabledState | undefined): void;
}

/**
 * A durable store grew past a size it documents: its file past
 * `warnFileBytes` (`file_size`), or an endpoint's pending deliveries in it
 * up to `maxStoredPending`, past which the endpoint's overflow policy drops
 * (`stored_bound`). Each is reported once per store (per endpoint for the bound).
 */
export type StoreWarning =
  | { readonly kind: "file_size"; readonly bytes: number; readonly limit: number }
  | { readonly kind: "stored_bound"; readonly endpointId: string; readonly limit: number }
  /** The background integrity check found the file damaged: nothing more is sent from it. */
  | { readonly kind: "corrupt"; readonly error: Error }
  /** The background integrity check could not run (`reason`): the file is used unchecked. */
  | { readonly kind: "unchecked"; readonly reason: string };

/** What the dispatcher gives its store at `open`. */
export interface StoreContext {
  /**
   * The exact body bytes of an event for one endpoint (its `format`);
   * throws for data that is not JSON-serialisable or a failing format. An
   * event routed to several endpoints with the Attesta format is serialised
   * once: every call for it gives back the same bytes. With `text`, an
   * event for one endpoint in the Attesta format may come back as its JSON
   * text: a store that only writes it to a file then frees no buffer for it.
   */
  serialize(event: DispatchableEvent, endpointId: string): Uint8Array;
  serialize(event: DispatchableEvent, endpointId: string, text: true): Uint8Array | string;
  /**
   * Like `serialize`, with the content type and headers a custom format set
   * for the delivery. A store keeps them with the body and hands them back
   * in `LeasedDelivery` and `DeliveryRecord`; one that calls `serialize`
   * instead sends such deliveries as `application/json` without the headers.
   * `text: true` works as with `serialize`: the Attesta JSON text may come
   * back as a string, which has no content type or headers.
   */
  render(event: DispatchableEvent, endpointId: string): FormattedBody;
  render(event: DispatchableEvent, endpointId: string, text: true): FormattedBody | string;
  /** Mints a delivery id (a UUID v4). A store may mint its own: SqliteStore derives UUID v8 ids from its row numbers. */
  mintId(): string;
  /** Epoch ms; replaceable in tests. */
  now(): number;
  /** Per endpoint: the bound of pending deliveries and what to do past it. */
  limits(endpointId: string): { maxPending: number; overflow: "drop-oldest" | "drop-newest" };
  /**
   * Called when `serialize` threw for a delivery: the store has recorded it as
   * dead with reason `unserializable` or `format_failed` (empty body) and will never lease it.
   * `event` is the event as it was enqueued, for the dead letter.
   */
  onUnserializable(record: DeliveryRecord, error: unknown, event: DispatchableEvent): void;
  /** Called once when a durable store passes a documented size: the dispatcher logs it and emits `store.warning`. Optional. */
  onWarning?(warning: StoreWarning): void;
  /**
   * Called when changes were lost: another process owns the file now, or the
   * store closed while its commits failed. `lost` deliveries never reached
   * the file (0 when only attempt records or states were lost).
   */
  onCommitError(error: unknown, lost: number): void;
  /**
   * Called once when a stretch of failing commits begins (disk full, I/O
   * error, read-only file). The store keeps what it could not write in
   * memory (`uncommitted` deliveries so far), sends nothing until a commit
   * succeeds, and retries by itself. Optional.
   */
  onStoreFailing?(error: unknown, uncommitted: number): void;
  /** Called once when a commit succeeds after a failing stretch that began at `since` (epoch ms). Optional. */
  onStoreRecovered?(since: number): void;
  /**
   * Called when the store made deliveries pending on its own, not through a
   * dispatcher call (a redelivery requested by another process on a shared
   * file): the dispatcher should lease again. Optional.
   */
  wake?(): void;
  /**
   * Called by a store that several processes share when the endpoint configs
   * it keeps changed (another process added, updated, disabled, enabled or
   * removed one): `endpoints` is every one kept, as `loadEndpoints` gives
   * them. The dispatcher applies what differs without writing it back. Optional.
   */
  endpointsChanged?(endpoints: readonly StoredEndpoint[]): void;
  /**
   * Whether this process can deliver the endpoint now: false while it does
   * not know the endpoint or holds it disabled for a reason of its own (its
   * secret is missing here). A store that several processes share leaves
   * such an endpoint to a process that can deliver it. Optional: a store
   * without it takes every endpoint.
   */
  delivers?(endpointId: string): boolean;
}
