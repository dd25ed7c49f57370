/**
 * The boundary between "what is owed" and "when and how it is sent": every
 * delivery store (memory, SQLite, PostgreSQL) implements this interface and passes the
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
import type { AttemptRecord, DeadReason, DeliveryRecord, DeliveryStatus } from "./delivery-record";
import type { StoreContext } from "./store-context";
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
export type { StoreContext, StoreWarning } from "./store-context";
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

  /**
   * A store that several processes share: marks the endpoint as being removed
   * with `drain`, so that every process stops routing events to it while the
   * one that delivers it drains what is owed. Optional, with
   * `pendingEverywhere`; the remover calls `removeEndpoint` once that is 0.
   */
  retireEndpoint?(id: string): void;

  /** Deliveries of the endpoint still pending in any process sharing the store. */
  pendingEverywhere?(id: string): number;
}
