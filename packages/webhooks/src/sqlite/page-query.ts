/**
 * The SQL of one newest-first page of deliveries. Rows are walked backwards
 * by their primary key (seq, the order of acceptance), so the first page of a
 * file with millions of rows reads only what it shows.
 *
 * @module
 */
import type { AdminDeliveryQuery } from "../admin/delivery-admin";
import { decodeSeqCursor } from "./seq-cursor";

export function pageQuery(
  query: AdminDeliveryQuery,
  rows: number,
): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, ...values: (string | number)[]) => {
    where.push(clause);
    params.push(...values);
  };
  if (query.cursor !== undefined) add("seq < ?", decodeSeqCursor(query.cursor));
  if (query.status !== undefined) add("status = ?", query.status);
  if (query.endpoints !== undefined)
    add(
      `endpoint_id IN (${query.endpoints.map(() => "?").join(", ") || "NULL"})`,
      ...query.endpoints,
    );
  if (query.event !== undefined) add("event = ?", query.event.toUpperCase());
  if (query.since !== undefined) add("created_at >= ?", query.since);
  if (query.until !== undefined) add("created_at < ?", query.until);
  const filter = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
  return {
    sql: `SELECT * FROM deliveries ${filter} ORDER BY seq DESC LIMIT ?`,
    params: [...params, rows],
  };
}
