/**
 * Keyset-paged reads of deliveries and per-minute counts: the query and page
 * shapes every source (a store, a live dispatcher, BullMQ's queues) answers.
 * Kept apart from `DeliveryAdmin` so a store can name them without
 * importing the admin interface.
 *
 * @module
 */
import type { DeliveryRecord, DeliveryStatus } from "../store/delivery-record";

/** Which deliveries: every field narrows, none means all. */
export interface AdminDeliveryFilter {
  readonly status?: DeliveryStatus;
  /** Endpoint ids; a delivery of any of them matches. */
  readonly endpoints?: readonly string[];
  /** Upper-case event name, e.g. `"DENIED"`. */
  readonly event?: string;
  /** Epoch ms: created at or after it. */
  readonly since?: number;
  /** Epoch ms: created before it. */
  readonly until?: number;
}

/** A page request of `deliveries`: newest first. */
export interface AdminDeliveryQuery extends AdminDeliveryFilter {
  /** `nextCursor` of the previous page; opaque, valid for the source that made it. */
  readonly cursor?: string;
  /** Page size, 1 to 500; default 50. */
  readonly limit?: number;
}

/** One page of deliveries, newest first. */
export interface AdminDeliveryPage {
  readonly items: readonly DeliveryRecord[];
  /** Present when there may be more: pass it as `cursor`. */
  readonly nextCursor?: string;
}

/** Deliveries that settled in one minute. */
export interface AdminMinute {
  /** Epoch ms of the minute's start. */
  readonly minute: number;
  readonly delivered: number;
  /** Dead (given up) in that minute. */
  readonly failed: number;
}
