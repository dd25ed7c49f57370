/**
 * The operator's interface to a delivery source: one small async surface that
 * a live dispatcher, a SQLite file and BullMQ's queues implement alike, so the
 * CLI and the console read and act through it without reaching into a store.
 *
 * @module
 */
import type { DeliveryRecord } from "../store/delivery-record";
import type {
  AdminDeliveryFilter,
  AdminDeliveryPage,
  AdminDeliveryQuery,
  AdminMinute,
} from "./delivery-page";

export type {
  AdminDeliveryFilter,
  AdminDeliveryPage,
  AdminDeliveryQuery,
  AdminMinute,
} from "./delivery-page";

/**
 * What a source can do. A console shows what is `false` as unavailable, with
 * `notes` saying why, instead of offering an action that would fail.
 */
export interface AdminCapabilities {
  /** The source can push changes (`watch`): a live dispatcher. */
  readonly live: boolean;
  /** `redeliver(id)` is possible. */
  readonly redeliver: boolean;
  /** `retry(filter)` and `recover(options)` are possible. */
  readonly bulkRetry: boolean;
  /** `enableEndpoint` and `disableEndpoint` are possible. */
  readonly toggleEndpoints: boolean;
  /** `rotateSecret` is possible. */
  readonly rotateSecret: boolean;
  /**
   * Actions are requests that the owning process carries out later (a SQLite
   * file read by another process): an action returns before its effect shows.
   */
  readonly deferred: boolean;
  /** Plain sentences for the operator, e.g. why an action is missing. */
  readonly notes: readonly string[];
}

/** One endpoint with its health, never its secret. */
export interface AdminEndpoint {
  readonly id: string;
  /** The URL, without credentials or query string. */
  readonly url: string;
  /** Event names it receives, or `"all"`; `"unknown"` when the source does not keep configs. */
  readonly events: readonly string[] | "all" | "unknown";
  readonly state: "enabled" | "disabled" | "unknown";
  readonly disabledReason?: string;
  /**
   * With `disabledReason: "gone"` from a chat service's answer: the service's
   * code (`"channel_not_found"`, `"channel_is_archived"`, Discord's `"10015"`).
   */
  readonly disabledReceiverCode?: string;
  /** The circuit breaker, as far as the source knows it. */
  readonly circuit: "closed" | "open" | "half_open" | "unknown";
  /** Failed share (0 to 1) of the attempts in the recent deliveries the source holds; undefined without attempts. */
  readonly failureRate?: number;
  /** Epoch ms of the last successful attempt the source holds. */
  readonly lastSuccessAt?: number;
  /** Deliveries owed to it. */
  readonly pending: number;
  /** Whether its requests are signed. */
  readonly signed?: boolean;
}

/** What `watch` reports: something changed; read again. */
export interface AdminChange {
  readonly kind: "deliveries" | "endpoints";
  /** The endpoint concerned, when one is. */
  readonly endpointId?: string;
}

/**
 * Operator access to deliveries and endpoints, from any source. Actions a
 * source cannot do reject with a `TypeError`; check `capabilities` first.
 *
 * @example
 * ```ts
 * import { dispatcherAdmin } from "@attesta/webhooks";
 *
 * const admin = dispatcherAdmin(dispatcher);
 * const page = await admin.deliveries({ status: "dead", limit: 20 });
 * for (const d of page.items) await admin.redeliver(d.id);
 * ```
 */
export interface DeliveryAdmin {
  /** `"dispatcher"`, `"sqlite"`, `"bullmq"`, `"postgres"`: shown to the operator. */
  readonly kind: string;
  readonly capabilities: AdminCapabilities;
  /** Every endpoint the source knows, with health. */
  endpoints(): Promise<AdminEndpoint[]>;
  /** One page of matching deliveries, newest first, with a keyset cursor. */
  deliveries(query?: AdminDeliveryQuery): Promise<AdminDeliveryPage>;
  /** A delivery by id, with its attempt log. */
  delivery(id: string): Promise<DeliveryRecord | undefined>;
  /** Sends a delivered or dead delivery again under its id; false when it cannot. */
  redeliver(id: string): Promise<boolean>;
  /** Redelivers every settled delivery matching (default status `dead`); returns how many. */
  retry(filter: AdminDeliveryFilter): Promise<number>;
  /** Redelivers the dead letters created since a time (of some endpoints); returns how many. */
  recover(options: { since: number; endpoints?: readonly string[] }): Promise<number>;
  enableEndpoint(id: string): Promise<boolean>;
  disableEndpoint(id: string): Promise<boolean>;
  /** Replaces an endpoint's signing secret; it is never read back. */
  rotateSecret(id: string, secret: string): Promise<boolean>;
  /** Delivered and failed per minute, oldest first, for minutes in [since, until). */
  stats(range: { since: number; until: number }): Promise<AdminMinute[]>;
  /** Calls `listener` on changes until the returned function is called; only when `capabilities.live`. */
  watch?(listener: (change: AdminChange) => void): () => void;
  /** Releases what the admin opened itself (not a dispatcher it was given). */
  close(): Promise<void>;
}
