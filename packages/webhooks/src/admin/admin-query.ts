/**
 * Checks and cursors shared by every `DeliveryAdmin`: a query is validated the
 * same way whichever source answers it.
 *
 * @module
 */
import { invalidOption } from "../options/invalid-option";
import type { DeliveryRecord } from "../store/delivery-store";
import type { AdminDeliveryFilter, AdminDeliveryQuery } from "./delivery-admin";

const STATUSES = ["pending", "delivered", "dead"];
/** Largest page a source hands out. */
export const MAX_PAGE = 500;
const DEFAULT_PAGE = 50;

/** The page size of a query (default 50), after checking every field. */
export function pageLimit(query: AdminDeliveryQuery): number {
  checkFilter(query);
  const limit = query.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE)
    throw invalidOption(
      "deliveries({ limit })",
      `an integer from 1 to ${MAX_PAGE}`,
      limit,
      "pass e.g. 50",
    );
  return limit;
}

/** Throws a TypeError naming the field for a filter a source must not run. */
export function checkFilter(filter: AdminDeliveryFilter): void {
  if (filter.status !== undefined && !STATUSES.includes(filter.status))
    throw invalidOption(
      "filter.status",
      '"pending", "delivered" or "dead"',
      filter.status,
      'use e.g. "dead"',
    );
  for (const key of ["since", "until"] as const) {
    const value = filter[key];
    if (value !== undefined && !Number.isFinite(value))
      throw invalidOption(
        `filter.${key}`,
        "epoch milliseconds",
        value,
        "pass e.g. Date.now() - 3_600_000",
      );
  }
  if (filter.endpoints !== undefined && !Array.isArray(filter.endpoints))
    throw invalidOption(
      "filter.endpoints",
      "an array of endpoint ids",
      filter.endpoints,
      'pass e.g. ["billing"]',
    );
}

/** Whether a record passes every field of the filter. */
export function matches(record: DeliveryRecord, filter: AdminDeliveryFilter): boolean {
  return (
    (filter.status === undefined || record.status === filter.status) &&
    (filter.endpoints === undefined || filter.endpoints.includes(record.endpointId)) &&
    (filter.event === undefined || record.event === filter.event.toUpperCase()) &&
    (filter.since === undefined || record.createdAt >= filter.since) &&
    (filter.until === undefined || record.createdAt < filter.until)
  );
}

/** A position after a record in newest-first order, as an opaque string. */
export function encodeCursor(record: DeliveryRecord): string {
  return Buffer.from(JSON.stringify([record.createdAt, record.id])).toString("base64url");
}

/** The position a cursor names; a TypeError for one this kind of source did not make. */
export function decodeCursor(cursor: string): { createdAt: number; id: string } {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (typeof createdAt === "number" && typeof id === "string") return { createdAt, id };
  } catch {}
  throw invalidOption(
    "deliveries({ cursor })",
    "a nextCursor of this source",
    cursor,
    "start again without a cursor",
  );
}

/** Newest-first page of records held in memory, after the cursor. */
export function pageOf(
  records: readonly DeliveryRecord[],
  query: AdminDeliveryQuery,
): { items: DeliveryRecord[]; nextCursor?: string } {
  const limit = pageLimit(query);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const sorted = records
    .filter((record) => matches(record, query))
    .filter(
      (r) =>
        after === undefined ||
        r.createdAt < after.createdAt ||
        (r.createdAt === after.createdAt && r.id < after.id),
    )
    .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  const items = sorted.slice(0, limit);
  const last = items.at(-1);
  return sorted.length > limit && last !== undefined
    ? { items, nextCursor: encodeCursor(last) }
    : { items };
}
