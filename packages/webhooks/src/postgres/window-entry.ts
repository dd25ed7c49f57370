/**
 * One pending delivery as a PostgresStore process holds it: in its
 * endpoint's window, or in the write buffer until its row is committed.
 *
 * @module
 */

import type { DispatchableEvent } from "../dispatchable-event";
import { eventName } from "../router/to-webhook-payload";
import type { DeadReason, DeliveryStatus, LeasedDelivery } from "../store/delivery-store";

export interface WindowEntry {
  readonly id: string;
  readonly endpointId: string;
  /** The event until its body is made (at the first lease or commit). */
  event: DispatchableEvent | undefined;
  /** Upper-case event name. */
  readonly eventName: string;
  body: Uint8Array | undefined;
  /** A custom format's content type; undefined: `application/json`. */
  contentType: string | undefined;
  /** A custom format's extra headers. */
  headers: Readonly<Record<string, string>> | undefined;
  readonly createdAt: number;
  status: DeliveryStatus;
  attempts: number;
  /** `attempts` when the current series began (a redelivery starts one). */
  seriesStart: number;
  /** Epoch ms of the next attempt once one is scheduled (retry, redelivery); fresh rows have none. */
  nextAttemptAt: number | undefined;
  settledAt: number | undefined;
  deadReason: DeadReason | undefined;
  /** Handed out by `lease` and not yet settled or released. */
  leased: boolean;
  /** Position in the endpoint's order of acceptance (`mark`). */
  order: number;
}

/** A delivery routed in this process: pending, no attempt, its body made later. */
export function freshEntry(
  id: string,
  endpointId: string,
  event: DispatchableEvent,
  order: number,
): WindowEntry {
  return {
    id,
    endpointId,
    event,
    eventName: eventName(event.type),
    body: undefined,
    contentType: undefined,
    headers: undefined,
    createdAt: event.timestamp,
    status: "pending",
    attempts: 0,
    seriesStart: 0,
    nextAttemptAt: undefined,
    settledAt: undefined,
    deadReason: undefined,
    leased: false,
    order,
  };
}

/** The read-only view the scheduler gets. */
export function leasedView(entry: WindowEntry): LeasedDelivery {
  return {
    id: entry.id,
    endpointId: entry.endpointId,
    event: entry.eventName,
    body: entry.body as Uint8Array,
    ...(entry.contentType === undefined ? {} : { contentType: entry.contentType }),
    ...(entry.headers === undefined ? {} : { headers: entry.headers }),
    attempts: entry.attempts,
    attemptsInSeries: entry.attempts - entry.seriesStart,
    createdAt: entry.createdAt,
  };
}

/** A pending row read back from the database (window refill, redelivery). */
export function entryFromRow(
  endpointId: string,
  row: readonly unknown[],
  order: number,
): WindowEntry {
  const [id, event, body, attempts, seriesStart, createdAt, nextAttemptAt, type, headers] = row;
  return {
    id: String(id),
    endpointId,
    event: undefined,
    eventName: String(event),
    body: body as Uint8Array,
    contentType: type === null || type === undefined ? undefined : String(type),
    headers: parseHeaders(headers),
    createdAt: Number(createdAt),
    status: "pending",
    attempts: Number(attempts),
    seriesStart: Number(seriesStart),
    nextAttemptAt: nextAttemptAt === null ? undefined : Number(nextAttemptAt),
    settledAt: undefined,
    deadReason: undefined,
    leased: false,
    order,
  };
}

/** The columns `entryFromRow` reads, in its order. */
export const ENTRY_COLUMNS =
  "id, event, body, attempts, series_start, created_at, next_attempt_at, content_type, headers::text";

/** The names of `ENTRY_COLUMNS` as a statement returns them (to select them again from a CTE). */
export const ENTRY_NAMES =
  "id, event, body, attempts, series_start, created_at, next_attempt_at, content_type, headers";

/** How many columns `ENTRY_COLUMNS` names: a statement's further columns start there. */
export const ENTRY_COLUMN_COUNT = 9;

/** The `headers` column read as text (JSON of an object), or NULL. */
export function parseHeaders(value: unknown): Readonly<Record<string, string>> | undefined {
  return value === null || value === undefined
    ? undefined
    : (JSON.parse(String(value)) as Record<string, string>);
}

/** Marks an entry delivered or dead at `now`; it leaves its window with the caller. */
export function settleEntry(
  entry: WindowEntry,
  now: number,
  status: "delivered" | "dead",
  reason: DeadReason | undefined,
): void {
  entry.status = status;
  entry.settledAt = now;
  entry.nextAttemptAt = undefined;
  entry.deadReason = status === "dead" ? reason : undefined;
}
