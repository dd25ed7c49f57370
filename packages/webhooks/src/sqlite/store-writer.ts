/**
 * The write side of the SQLite store: every change waits here and goes to
 * the file in one transaction, so a burst of emits costs one commit.
 *
 * @module
 */
import type { AttemptRecord } from "../store/delivery-store";
import type { SqliteDatabase } from "./driver/sqlite-driver";
import { EndpointNames } from "./endpoint-names";
import type { OwnerLock } from "./owner-lock";
import type { PendingEntry } from "./pending-entry";
import type { RowState } from "./row-state";

/** Response bodies are kept up to this many bytes. */
export const RESPONSE_BODY_LIMIT = 4096;

type Change =
  | { readonly kind: "attempt"; readonly seq: number; readonly attempt: AttemptRecord }
  | { readonly kind: "state"; readonly seq: number; readonly state: RowState }
  | { readonly kind: "delete"; readonly seq: number };

export class StoreWriter {
  /** New rows of the next commit, made from the buffered events at commit time. */
  private inserts: PendingEntry[] = [];
  private changes: Change[] = [];
  private readonly lock: OwnerLock;
  private readonly statements;
  private readonly write;
  private readonly endpointNames: EndpointNames;

  constructor(db: SqliteDatabase, lock: OwnerLock) {
    this.lock = lock;
    this.endpointNames = new EndpointNames(db);
    this.write = db.transaction(
      (inserts: readonly PendingEntry[], changes: readonly Change[], now: number): boolean => {
        if (!this.lock.confirm(now)) return false;
        this.insertAll(inserts);
        for (const change of changes) this.apply(change);
        return true;
      },
    );
    this.statements = {
      insert: db.prepare(insertRows(1)),
      insertMany: db.prepare(insertRows(ROWS_PER_INSERT)),
      // A delivery whose format set a content type or headers: rare, so off the batched path.
      insertFormatted: db.prepare(
        `INSERT INTO deliveries (seq, endpoint_id, event, body, created_at, next_attempt_at,
           content_type, headers) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      // A delivery whose data is not JSON: dead at once, with an empty body.
      insertDead: db.prepare(
        `INSERT INTO deliveries (seq, endpoint_id, event, body, status, created_at, settled_at,
           dead_reason) VALUES (?, ?, ?, x'', 'dead', ?, ?, ?)`,
      ),
      attempt: db.prepare(
        `INSERT OR REPLACE INTO attempts (delivery_seq, attempt, started_at, duration_ms, status,
           error_kind, error_message, response_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      state: db.prepare(
        `UPDATE deliveries SET status = ?, attempts = ?, series_start = ?, next_attempt_at = ?,
           settled_at = ?, dead_reason = ? WHERE seq = ?`,
      ),
      deleteRow: db.prepare("DELETE FROM deliveries WHERE seq = ?"),
      deleteAttempts: db.prepare("DELETE FROM attempts WHERE delivery_seq = ?"),
    };
  }

  get empty(): boolean {
    return this.inserts.length === 0 && this.changes.length === 0;
  }

  /** Deliveries waiting for their first commit (after failed commits, until the disk takes them). */
  get uncommitted(): number {
    let count = 0;
    for (const entry of this.inserts) if (entry.live && entry.state === "buffered") count++;
    return count;
  }

  add(entry: PendingEntry): void {
    this.inserts.push(entry);
  }

  private takeInserts(): PendingEntry[] {
    const taken = this.inserts;
    this.inserts = [];
    return taken;
  }

  recordAttempt(seq: number, attempt: AttemptRecord): void {
    this.changes.push({ kind: "attempt", seq, attempt });
  }

  setState(seq: number, state: RowState): void {
    this.changes.push({ kind: "state", seq, state });
  }

  delete(seq: number): void {
    this.changes.push({ kind: "delete", seq });
  }

  /**
   * Writes everything buffered in one transaction and marks the inserted
   * entries stored. Throws a CommitFailure, writing nothing, on a SQLite
   * error (disk full, I/O error, read-only file): everything stays buffered,
   * in order, for the next commit to try again. When another process owns
   * the file now, the new entries stay in memory only (state `volatile`).
   */
  commit(now: number): void {
    const inserts = this.takeInserts();
    const changes = this.changes;
    this.changes = [];
    let owned: boolean;
    try {
      owned = this.write.immediate(inserts, changes, now);
      this.endpointNames.settle(owned);
    } catch (error) {
      this.endpointNames.settle(false);
      // The transaction rolled back: replaying the same rows and changes in order is exact.
      this.inserts = inserts.concat(this.inserts);
      this.changes = changes.concat(this.changes);
      throw new CommitFailure(error, 0, false);
    }
    if (!owned) throw new CommitFailure(undefined, markVolatile(inserts), true, inserts);
    for (const entry of inserts) if (entry.state === "buffered") entry.state = "stored";
  }

  /** Drops everything buffered (the file is no longer ours); returns how many deliveries are not durable. */
  discard(): number {
    this.changes = [];
    return markVolatile(this.takeInserts());
  }

  /**
   * Inserts the new rows ROWS_PER_INSERT at a time: one statement per row
   * spends more in binding and stepping than SQLite spends storing the row.
   * A fresh row names only what differs from the column defaults.
   */
  private insertAll(entries: readonly PendingEntry[]): void {
    const values: unknown[] = [];
    const s = this.statements;
    for (const entry of entries) {
      if (entry.state !== "buffered") continue;
      // Evicted (drop-oldest) while its first commit was failing: never written.
      if (!entry.live && entry.deadReason === undefined) continue;
      this.endpointNames.name(entry.endpointId);
      if (this.insertSingle(entry)) continue;
      values.push(...freshColumns(entry));
      if (values.length === ROWS_PER_INSERT * COLUMNS) {
        s.insertMany.run(values);
        values.length = 0;
      }
    }
    for (let i = 0; i < values.length; i += COLUMNS) s.insert.run(values.slice(i, i + COLUMNS));
  }

  /**
   * Writes a row that is not a plain fresh one on its own: dead before its
   * first commit, or with a format's content type or headers. False for a
   * plain fresh row, which goes to the batched insert.
   */
  private insertSingle(entry: PendingEntry): boolean {
    const s = this.statements;
    if (!entry.live) {
      s.insertDead.run(
        entry.seq,
        entry.endpointId,
        entry.event,
        entry.createdAt,
        entry.createdAt,
        entry.deadReason ?? null,
      );
      return true;
    }
    if (entry.contentType === undefined && entry.headers === undefined) return false;
    s.insertFormatted.run(
      ...freshColumns(entry),
      entry.contentType ?? null,
      entry.headers === undefined ? null : JSON.stringify(entry.headers),
    );
    return true;
  }

  private apply(change: Change): void {
    const s = this.statements;
    if (change.kind === "attempt") {
      const a = change.attempt;
      s.attempt.run(
        change.seq,
        a.attempt,
        a.startedAt,
        Math.round(a.durationMs),
        a.status ?? null,
        a.errorKind ?? null,
        a.errorMessage ?? null,
        a.responseBody === undefined ? null : truncateUtf8(a.responseBody, RESPONSE_BODY_LIMIT),
      );
    } else if (change.kind === "state") {
      const st = change.state;
      s.state.run(
        st.status,
        st.attempts,
        st.seriesStart,
        st.nextAttemptAt,
        st.settledAt,
        st.deadReason,
        change.seq,
      );
    } else {
      s.deleteAttempts.run(change.seq);
      s.deleteRow.run(change.seq);
    }
  }
}

const ROWS_PER_INSERT = 16;
/** The columns of a fresh row, in the order insertAll pushes them. */
const COLUMNS = 6;

/** The columns of a fresh row, in the order of `insertRows`. */
function freshColumns(entry: PendingEntry): unknown[] {
  return [entry.seq, entry.endpointId, entry.event, entry.body, entry.createdAt, entry.dueAt];
}

function insertRows(rows: number): string {
  // The body may be bound as JSON text (a spilled entry): stored as a blob all the same.
  const row = "(?, ?, ?, CAST(? AS BLOB), ?, ?)";
  return `INSERT INTO deliveries (seq, endpoint_id, event, body, created_at, next_attempt_at)
    VALUES ${Array(rows).fill(row).join(", ")}`;
}

/** A commit that failed; `lost` deliveries are kept in memory only (0 unless the lock was lost). */
export class CommitFailure {
  constructor(
    readonly error: unknown,
    readonly lost: number,
    /** True when the owner row names another process. */
    readonly lockLost: boolean,
    /** The new entries that were not written (now `volatile`). */
    readonly entries: readonly PendingEntry[] = [],
  ) {}
}

function markVolatile(entries: readonly PendingEntry[]): number {
  let lost = 0;
  for (const entry of entries) {
    if (entry.state !== "buffered") continue;
    entry.state = "volatile";
    if (entry.live) lost++;
  }
  return lost;
}

/** The longest prefix of `text` that fits in `limit` UTF-8 bytes, never splitting a character. */
export function truncateUtf8(text: string, limit: number): string {
  if (text.length * 3 <= limit) return text;
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= limit) return text;
  let end = limit;
  // Step back over continuation bytes (10xxxxxx) to a character boundary.
  while (end > 0 && ((bytes[end] as number) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString("utf8");
}
