/**
 * What the dispatcher gives its store at `open` (`StoreContext`): how bodies
 * are made, ids minted and time read, each endpoint's bounds, and the hooks
 * through which the store reports what happened on its own.
 *
 * @module
 */
import type { DispatchableEvent } from "../dispatchable-event";
import type { FormattedBody } from "../format/formatted-body";
import type { DeliveryRecord } from "./delivery-record";
import type { StoredEndpoint } from "./stored-endpoint";

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
