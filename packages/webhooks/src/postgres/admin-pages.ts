/**
 * Rows of the admin SQL (admin-sql.ts) turned into pages and per-minute
 * counts: shared by the detached admin (async, any process) and the store's
 * own `page`/`minutes` (synchronous, the dispatcher's admin and console).
 *
 * @module
 */
import type { AdminDeliveryPage, AdminMinute } from "../admin/delivery-page";
import { emptyMinutes } from "../admin/record-health";
import { encodePgCursor } from "./admin-sql";
import { attemptLogs, deliveryRecord } from "./delivery-rows";

/**
 * A page from `pageSql` rows (page size + 1, to know whether more follow)
 * and the rows of their attempts.
 */
export function pageFromRows(
  rows: readonly unknown[][],
  attempts: readonly unknown[][],
  limit: number,
): AdminDeliveryPage {
  const shown = rows.slice(0, limit);
  const logs = attemptLogs(attempts as unknown[][]);
  const items = shown.map((row) => deliveryRecord(row, logs.get(String(row[0])) ?? []));
  // seq is the last column (pageSql): DELIVERY_COLUMNS may grow before it.
  const [last, lastRow] = [items.at(-1), shown.at(-1)];
  return rows.length > limit && last !== undefined && lastRow !== undefined
    ? { items, nextCursor: encodePgCursor(last.createdAt, Number(lastRow.at(-1))) }
    : { items };
}

/** The ids of a page's rows, whose attempts are read next. */
export function pageIds(rows: readonly unknown[][], limit: number): string[] {
  return rows.slice(0, limit).map((row) => String(row[0]));
}

/** Every minute of the range, filled from `minutesSql` rows. */
export function minutesFromRows(
  range: { since: number; until: number },
  rows: readonly unknown[][],
): AdminMinute[] {
  const minutes = emptyMinutes(range);
  const first = minutes[0]?.minute ?? 0;
  for (const [minute, delivered, failed] of rows) {
    const bucket = minutes[(Number(minute) - first) / 60_000] as AdminMinute | undefined;
    if (bucket === undefined) continue;
    minutes[(Number(minute) - first) / 60_000] = {
      minute: bucket.minute,
      delivered: Number(delivered),
      failed: Number(failed),
    };
  }
  return minutes;
}
