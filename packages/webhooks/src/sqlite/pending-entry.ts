/**
 * One pending delivery of a SqliteStore as memory holds it, from its commit
 * (or its page-in from the file) until it settles or leaves the window.
 *
 * @module
 */
import type { DeadReason, LeasedDelivery } from "../store/delivery-store";
import type { DispatchableEvent } from "../types";
import type { DeliveryRow } from "./delivery-reader";
import { envelopeOf } from "./row-envelope";

/** Where an entry's row is: still in the write buffer, on disk, or not durable (its commit failed). */
export type EntryState = "buffered" | "stored" | "volatile";

export interface PendingEntry {
  /** Row id in the file; also the tie-break of equal due times (older first). */
  readonly seq: number;
  /** Position in the endpoint's order of acceptance (enqueue, redelivery, resume), for `mark`. */
  order: number;
  /** Minted at the commit that creates the entry. */
  id: string;
  readonly endpointId: string;
  /** Upper-case event name. */
  event: string;
  /**
   * Body bytes; undefined only for an entry whose data is not JSON. An entry
   * spilled to the file at its commit may hold its JSON text instead (see
   * materialize), turned into bytes if it ever stays in memory.
   */
  body: Uint8Array | string | undefined;
  /** A custom format's content type; undefined: `application/json`. */
  contentType?: string;
  /** A custom format's extra headers. */
  headers?: Readonly<Record<string, string>>;
  /** The emitted event, for a drop report; undefined when resumed from the file. */
  source: DispatchableEvent | undefined;
  attempts: number;
  /** Attempts made before the current series began (the last redelivery). */
  seriesStart: number;
  readonly createdAt: number;
  dueAt: number;
  leased: boolean;
  /** False once settled, evicted or abandoned: skipped wherever it still sits. */
  live: boolean;
  /** Set when it died before its first commit (its data is not JSON): written as a dead row. */
  deadReason?: DeadReason;
  state: EntryState;
  /** Set when its commit put it in the file only, past a full window. */
  spilled?: boolean;
}

/** The entry of a row read back from the file (open, page-in, redelivery), due at `dueAt`. */
export function entryFromRow(
  row: DeliveryRow,
  order: number,
  dueAt: number,
  seriesStart: number,
): PendingEntry {
  return {
    seq: row.seq,
    order,
    id: row.id,
    endpointId: row.endpoint_id,
    event: row.event,
    body: row.body,
    ...envelopeOf(row),
    source: undefined,
    attempts: row.attempts,
    seriesStart,
    createdAt: row.created_at,
    dueAt,
    leased: false,
    live: true,
    state: "stored",
  };
}

/** What the scheduler gets of a leased entry. */
export function toLeased(entry: PendingEntry): LeasedDelivery {
  return {
    id: entry.id,
    endpointId: entry.endpointId,
    event: entry.event,
    body:
      typeof entry.body === "string" ? Buffer.from(entry.body) : (entry.body ?? new Uint8Array(0)),
    ...(entry.contentType === undefined ? {} : { contentType: entry.contentType }),
    ...(entry.headers === undefined ? {} : { headers: entry.headers }),
    attempts: entry.attempts,
    attemptsInSeries: entry.attempts - entry.seriesStart,
    createdAt: entry.createdAt,
  };
}

/**
 * Rebuilds the bus event of a stored body, for a drop-oldest report once the
 * event itself is released. A body its format made (a chat message, a custom
 * format's text) is not the Attesta payload: the report then names the event
 * and its time, with the data left empty.
 */
export function eventFromBody(entry: PendingEntry): DispatchableEvent {
  const { body } = entry;
  const text = typeof body === "string" ? body : Buffer.from(body ?? []).toString("utf8");
  const fallback = { type: entry.event.toLowerCase(), timestamp: entry.createdAt, data: {} };
  let parsed: { event?: unknown; timestamp?: unknown; data?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    return fallback;
  }
  const { event, timestamp, data } = parsed ?? {};
  if (typeof event !== "string" || typeof data !== "object" || data === null) return fallback;
  return {
    type: event.toLowerCase(),
    timestamp: typeof timestamp === "number" ? timestamp : Date.parse(String(timestamp)),
    data,
  };
}
