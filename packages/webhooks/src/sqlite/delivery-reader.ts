/**
 * The read side of a SqliteStore file: records for `get` and `list`, and the
 * pending rows a dispatcher resumes. Used by the store and by read-only
 * inspection from another process.
 *
 * @module
 */

import { pageLimit } from "../admin/admin-query";
import type { AdminDeliveryPage, AdminDeliveryQuery, AdminMinute } from "../admin/delivery-admin";
import { minutesOf } from "../admin/record-health";
import type {
  AttemptErrorKind,
  AttemptRecord,
  DeadReason,
  DeliveryQuery,
  DeliveryRecord,
  DeliveryStatus,
} from "../store/delivery-store";
import { IdEpochs } from "./delivery-ids";
import type { SqliteDatabase } from "./driver/sqlite-driver";
import { pageQuery } from "./page-query";
import { envelopeOf } from "./row-envelope";
import { encodeSeqCursor } from "./seq-cursor";

export interface DeliveryRow {
  seq: number;
  /** The row's own id (written before schema 5), or the one derived from its seq. */
  id: string;
  endpoint_id: string;
  event: string;
  body: Uint8Array;
  /** Schema 8: a custom format's content type and headers (JSON); NULL for most rows. */
  content_type: string | null;
  headers: string | null;
  status: DeliveryStatus;
  attempts: number;
  series_start: number;
  created_at: number;
  next_attempt_at: number | null;
  settled_at: number | null;
  dead_reason: DeadReason | null;
}

interface AttemptRow {
  attempt: number;
  started_at: number;
  duration_ms: number;
  status: number | null;
  error_kind: AttemptErrorKind | null;
  error_message: string | null;
  response_body: string | null;
}

/** Where a pending row stands in its endpoint's due order. */
export interface DueKey {
  seq: number;
  next_attempt_at: number;
}

const DEFAULT_LIMIT = 100;

export class DeliveryReader {
  private readonly db: SqliteDatabase;
  private readonly byLegacyId;
  private readonly bySeq;
  private readonly attempts;
  private readonly dueKeysQuery;
  private readonly atSeq;

  constructor(db: SqliteDatabase) {
    this.db = db;
    this.dueKeysQuery = db.prepare(
      `SELECT seq, next_attempt_at FROM deliveries INDEXED BY deliveries_due
        WHERE endpoint_id = ? AND status = 'pending' ORDER BY next_attempt_at, seq LIMIT ?`,
    );
    this.atSeq = db.prepare("SELECT * FROM deliveries WHERE seq = ?");
    this.byLegacyId = db.prepare("SELECT * FROM deliveries WHERE id = ?");
    this.bySeq = db.prepare("SELECT * FROM deliveries WHERE seq = ? AND id IS NULL");
    this.attempts = db.prepare("SELECT * FROM attempts WHERE delivery_seq = ? ORDER BY attempt");
  }

  row(id: string): DeliveryRow | undefined {
    const ids = this.epochs();
    const seq = ids.seqOf(id);
    const row = (seq === undefined ? this.byLegacyId.get(id) : this.bySeq.get(seq)) as
      | DeliveryRow
      | undefined;
    return row === undefined ? undefined : withId(row, ids);
  }

  get(id: string): DeliveryRecord | undefined {
    const row = this.row(id);
    return row === undefined ? undefined : this.toRecord(row);
  }

  /** Matching deliveries, oldest first (by `createdAt`). */
  list(query: DeliveryQuery = {}): DeliveryRecord[] {
    const { sql, params } = listQuery(query);
    const rows = this.db.prepare(sql).all(...params) as DeliveryRow[];
    const ids = this.epochs();
    return rows.map((row) => this.toRecord(withId(row, ids)));
  }

  /**
   * Pending rows per endpoint and the earliest due time, read from the due
   * index (no row is loaded): what a dispatcher resumes.
   */
  pendingCounts(): { endpoint_id: string; n: number; due: number }[] {
    return this.db
      .prepare(
        `SELECT endpoint_id, count(*) AS n, min(next_attempt_at) AS due
          FROM deliveries INDEXED BY deliveries_due WHERE status = 'pending' GROUP BY endpoint_id`,
      )
      .all() as { endpoint_id: string; n: number; due: number }[];
  }

  /** The first `limit` pending rows of an endpoint by due time (seq breaks ties), keys only. */
  dueKeys(endpointId: string, limit: number): DueKey[] {
    return this.dueKeysQuery.all(endpointId, limit) as DueKey[];
  }

  /** A row by seq, with its id. */
  rowAt(seq: number, ids: IdEpochs): DeliveryRow | undefined {
    const row = this.atSeq.get(seq) as DeliveryRow | undefined;
    return row === undefined ? undefined : withId(row, ids);
  }

  /** The file's id epochs, read again on each call: a dispatcher that opens the file adds one. */
  epochs(): IdEpochs {
    return IdEpochs.read(this.db);
  }

  /** Deliveries per status. */
  counts(): Record<DeliveryStatus, number> {
    const counts: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, dead: 0 };
    const rows = this.db
      .prepare("SELECT status, count(*) AS n FROM deliveries GROUP BY status")
      .all() as { status: DeliveryStatus; n: number }[];
    for (const { status, n } of rows) counts[status] = n;
    return counts;
  }

  /** One newest-first page, by row order (seq), for `DeliveryAdmin.deliveries`. */
  page(query: AdminDeliveryQuery): AdminDeliveryPage {
    const limit = pageLimit(query);
    const { sql, params } = pageQuery(query, limit + 1);
    const rows = this.db.prepare(sql).all(...params) as DeliveryRow[];
    const ids = this.epochs();
    const items = rows.slice(0, limit).map((row) => this.toRecord(withId(row, ids)));
    const last = rows[limit - 1];
    return rows.length > limit && last !== undefined
      ? { items, nextCursor: encodeSeqCursor(last.seq) }
      : { items };
  }

  /** Deliveries settled per minute in the range, through the (status, settled_at) index. */
  minutes(range: { since: number; until: number }): AdminMinute[] {
    const rows = this.db
      .prepare(
        "SELECT status, settled_at FROM deliveries WHERE status IN ('delivered', 'dead') AND settled_at >= ? AND settled_at < ?",
      )
      .raw()
      .iterate(range.since, range.until) as IterableIterator<[DeliveryStatus, number]>;
    return minutesOf(
      (function* () {
        for (const [status, settledAt] of rows) yield { status, settledAt };
      })(),
      range,
    );
  }

  maxSeq(): number {
    return (this.db.prepare("SELECT max(seq) FROM deliveries").pluck().get() as number | null) ?? 0;
  }

  private toRecord(row: DeliveryRow): DeliveryRecord {
    const attempts = this.attempts.all(row.seq) as AttemptRow[];
    return {
      id: row.id,
      endpointId: row.endpoint_id,
      event: row.event,
      body: row.body,
      ...envelopeOf(row),
      status: row.status,
      attempts: row.attempts,
      createdAt: row.created_at,
      ...(row.status === "pending" && row.next_attempt_at !== null
        ? { nextAttemptAt: row.next_attempt_at }
        : {}),
      ...(row.settled_at === null ? {} : { settledAt: row.settled_at }),
      ...(row.dead_reason === null ? {} : { deadReason: row.dead_reason }),
      attemptLog: attempts.map(toAttempt),
    };
  }
}

function withId(row: DeliveryRow, ids: IdEpochs): DeliveryRow {
  row.id = (row.id as string | null) ?? ids.idOf(row.seq);
  return row;
}

function toAttempt(row: AttemptRow): AttemptRecord {
  return {
    attempt: row.attempt,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    ...(row.status === null ? {} : { status: row.status }),
    ...(row.error_kind === null ? {} : { errorKind: row.error_kind }),
    ...(row.error_message === null ? {} : { errorMessage: row.error_message }),
    ...(row.response_body === null ? {} : { responseBody: row.response_body }),
  };
}

function listQuery(query: DeliveryQuery): { sql: string; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (query.status !== undefined) {
    where.push("status = ?");
    params.push(query.status);
  }
  if (query.endpoint !== undefined) {
    where.push("endpoint_id = ?");
    params.push(query.endpoint);
  }
  if (query.event !== undefined) {
    where.push("event = ?");
    params.push(query.event.toUpperCase());
  }
  if (query.since !== undefined) {
    where.push("created_at >= ?");
    params.push(typeof query.since === "number" ? query.since : query.since.getTime());
  }
  params.push(query.limit ?? DEFAULT_LIMIT);
  const filter = where.length > 0 ? `WHERE ${where.join(" AND ")}` : "";
  return { sql: `SELECT * FROM deliveries ${filter} ORDER BY created_at, seq LIMIT ?`, params };
}
