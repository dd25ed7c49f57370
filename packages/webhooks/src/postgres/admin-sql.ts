/**
 * The SQL of a PostgresStore schema's `DeliveryAdmin`: newest-first keyset
 * pages walked backwards along the (created_at, seq) index, per-minute counts
 * grouped by the database over the settled index, endpoint health, and
 * redelivery of every settled row a filter selects in one statement.
 *
 * @module
 */
import type { AdminDeliveryFilter, AdminDeliveryQuery } from "../admin/delivery-page";
import { invalidOption } from "../options/invalid-option";
import { DELIVERY_COLUMNS } from "./store-queries";

export interface Sql {
  readonly text: string;
  readonly values: unknown[];
}

/** `WHERE` clauses of a filter, numbering parameters after `values`. */
function filterClauses(filter: AdminDeliveryFilter, values: unknown[]): string[] {
  const where: string[] = [];
  const add = (clause: (n: string) => string, value: unknown) => {
    values.push(value);
    where.push(clause(`$${values.length}`));
  };
  if (filter.status !== undefined) add((n) => `status = ${n}`, filter.status);
  if (filter.endpoints !== undefined)
    add((n) => `endpoint_id = ANY(${n}::text[])`, filter.endpoints);
  if (filter.event !== undefined) add((n) => `event = ${n}`, filter.event.toUpperCase());
  if (filter.since !== undefined) add((n) => `created_at >= ${n}`, Math.ceil(filter.since));
  if (filter.until !== undefined) add((n) => `created_at < ${n}`, Math.ceil(filter.until));
  return where;
}

/** One page (`rows` = page size + 1, to know whether more follow), newest first. */
export function pageSql(schema: string, query: AdminDeliveryQuery, rows: number): Sql {
  const values: unknown[] = [];
  const where = filterClauses(query, values);
  if (query.cursor !== undefined) {
    const { createdAt, seq } = decodePgCursor(query.cursor);
    values.push(createdAt, seq);
    where.push(`(created_at, seq) < ($${values.length - 1}, $${values.length})`);
  }
  values.push(rows);
  return {
    text: `SELECT ${DELIVERY_COLUMNS}, seq FROM "${schema}".deliveries
${where.length === 0 ? "" : `WHERE ${where.join(" AND ")}`}
ORDER BY created_at DESC, seq DESC LIMIT $${values.length}`,
    values,
  };
}

/**
 * Sets every settled row the filter selects pending again (default status
 * dead; never `unserializable` ones, which cannot be sent) and notifies each
 * endpoint's owner once; answers the count.
 */
export function redeliverSql(schema: string, filter: AdminDeliveryFilter, channel: string): Sql {
  const status = filter.status ?? "dead";
  const values: unknown[] = [];
  const where = filterClauses({ ...filter, status }, values);
  values.push(Date.now(), channel);
  const [now, notify] = [`$${values.length - 1}`, `$${values.length}`];
  return {
    text: `WITH u AS (
  UPDATE "${schema}".deliveries SET status = 'pending', series_start = attempts,
    next_attempt_at = ${now}, settled_at = NULL, dead_reason = NULL, holder = NULL
  WHERE ${where.join(" AND ")} AND status <> 'pending'
    AND coalesce(dead_reason, '') NOT IN ('unserializable', 'format_failed')
  RETURNING endpoint_id
), n AS (SELECT pg_notify(${notify}, 'i:' || e) FROM (SELECT DISTINCT endpoint_id AS e FROM u) AS x)
SELECT (SELECT count(*) FROM u), (SELECT count(*) FROM n)`,
    values,
  };
}

/** Delivered and dead per minute in [since, until), over the settled index. */
export function minutesSql(schema: string, range: { since: number; until: number }): Sql {
  return {
    text: `SELECT settled_at / 60000 * 60000 AS minute,
  count(*) FILTER (WHERE status = 'delivered'), count(*) FILTER (WHERE status = 'dead')
FROM "${schema}".deliveries
WHERE status <> 'pending' AND settled_at >= $1 AND settled_at < $2 GROUP BY 1`,
    values: [Math.ceil(range.since), Math.ceil(range.until)],
  };
}

/**
 * Every endpoint kept as a config, owed a delivery or named by one of the
 * newest `window` deliveries (at most `limit`), with
 * its pending count (partial pending index) and the attempts of its
 * deliveries among the newest `window` of the schema (the created index read
 * backwards: bounded, however large the table).
 */
export function endpointsSql(schema: string, limit: number, window: number): Sql {
  const s = `"${schema}"`;
  return {
    text: `WITH recent AS (
  SELECT id, endpoint_id FROM ${s}.deliveries ORDER BY created_at DESC, seq DESC LIMIT $2
), ids AS (
  SELECT id FROM ${s}.endpoints
  UNION SELECT DISTINCT endpoint_id FROM ${s}.deliveries WHERE status = 'pending'
  UNION SELECT endpoint_id FROM recent
), health AS (
  SELECT r.endpoint_id, count(*) AS attempts, count(a.error_kind) AS failed,
    max(a.started_at) FILTER (WHERE a.error_kind IS NULL) AS last_success
  FROM recent AS r JOIN ${s}.attempts AS a ON a.delivery_id = r.id GROUP BY r.endpoint_id
)
SELECT i.id, e.config, e.disabled_reason,
  (SELECT count(*) FROM ${s}.deliveries WHERE endpoint_id = i.id AND status = 'pending'),
  h.attempts, h.failed, h.last_success, e.disabled_code
FROM ids AS i LEFT JOIN ${s}.endpoints AS e ON e.id = i.id LEFT JOIN health AS h ON h.endpoint_id = i.id
ORDER BY i.id LIMIT $1`,
    values: [limit, window],
  };
}

/** The keyset cursor of a schema's pages: the last row's (created_at, seq). */
export function encodePgCursor(createdAt: number, seq: number): string {
  return Buffer.from(`pg:${createdAt}:${seq}`).toString("base64url");
}

function decodePgCursor(cursor: string): { createdAt: number; seq: number } {
  const match = /^pg:(\d{1,16}):(\d{1,19})$/.exec(
    Buffer.from(cursor, "base64url").toString("utf8"),
  );
  if (match === null)
    throw invalidOption(
      "deliveries({ cursor })",
      "a nextCursor of this PostgreSQL schema",
      cursor,
      "start again without a cursor",
    );
  return { createdAt: Number(match[1]), seq: Number(match[2]) };
}
