/**
 * The write side of the SQLite store: every change waits here and goes to
 * the file in one transaction, so a burst of emits costs one commit.
 *
 * @module
 */
import type { AttemptRecord, DeadReason, DeliveryStatus } from "../store/delivery-store";
import type { SqliteDatabase } from "./open-database";
import type { OwnerLock } from "./owner-lock";
import type { PendingEntry } from "./pending-queue";

/** Response bodies are kept up to this many bytes. */
export const RESPONSE_BODY_LIMIT = 4096;

/** A row's new state after an attempt, an abandon or a redelivery. */
export interface RowState {
  readonly status: DeliveryStatus;
  readonly attempts: number;
  /** Attempts made before the current series (set by a redelivery). */
  readonly seriesStart: number;
  readonly nextAttemptAt: number | null;
  readonly settledAt: number | null;
  readonly deadReason: DeadReason | null;
}

type Change =
  | { readonly kind: "attempt"; readonly seq: number; readonly attempt: AttemptRecord }
  | { readonly kind: "state"; readonly seq: number; readonly state: RowState }
  | { readonly kind: "delete"; readonly seq: number };

export class StoreWriter {
  /** New rows, in enqueue order, from `insertHead` on (evicted ones at the front are let go early). */
  readonly inserts: (PendingEntry | undefined)[] = [];
  #insertHead = 0;
  readonly #changes: Change[] = [];
  readonly #db: SqliteDatabase;
  readonly #lock: OwnerLock;
  readonly #statements;

  constructor(db: SqliteDatabase, lock: OwnerLock) {
    this.#db = db;
    this.#lock = lock;
    this.#statements = {
      insert: db.prepare(
        `INSERT INTO deliveries (seq, id, endpoint_id, event, body, status, attempts, created_at,
           next_attempt_at, settled_at, dead_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
    return !this.hasInserts && this.#changes.length === 0;
  }

  get hasInserts(): boolean {
    return this.inserts.length > this.#insertHead;
  }

  get insertHead(): number {
    return this.#insertHead;
  }

  add(entry: PendingEntry): void {
    this.inserts.push(entry);
  }

  /**
   * Lets go of entries evicted before their first commit at the front of the
   * buffer, so a long burst into a full queue does not keep every evicted
   * event alive until the commit.
   */
  trimEvicted(): void {
    const inserts = this.inserts;
    let head = this.#insertHead;
    while (head < inserts.length && isEvicted(inserts[head])) inserts[head++] = undefined;
    if (head === inserts.length) {
      inserts.length = 0;
      head = 0;
    } else if (head > 4096 && head * 2 > inserts.length) {
      inserts.splice(0, head);
      head = 0;
    }
    this.#insertHead = head;
  }

  #takeInserts(): PendingEntry[] {
    const taken = this.inserts.slice(this.#insertHead) as PendingEntry[];
    this.inserts.length = 0;
    this.#insertHead = 0;
    return taken;
  }

  recordAttempt(seq: number, attempt: AttemptRecord): void {
    this.#changes.push({ kind: "attempt", seq, attempt });
  }

  setState(seq: number, state: RowState): void {
    this.#changes.push({ kind: "state", seq, state });
  }

  delete(seq: number): void {
    this.#changes.push({ kind: "delete", seq });
  }

  /**
   * Writes everything buffered in one transaction and marks the inserted
   * entries stored. Throws a CommitFailure, writing nothing, on a SQLite
   * error or when another process owns the file now; the new entries then
   * stay in memory only (state `volatile`).
   */
  commit(now: number): void {
    const inserts = this.#takeInserts();
    const changes = this.#changes.splice(0);
    const write = this.#db.transaction(() => {
      if (!this.#lock.confirm(now)) return false;
      for (const entry of inserts) if (entry.state === "buffered") this.#insert(entry);
      for (const change of changes) this.#apply(change);
      return true;
    });
    let owned: boolean;
    try {
      owned = write.immediate();
    } catch (error) {
      throw new CommitFailure(error, markVolatile(inserts), false);
    }
    if (!owned) throw new CommitFailure(undefined, markVolatile(inserts), true);
    for (const entry of inserts) if (entry.state === "buffered") entry.state = "stored";
  }

  /** Drops everything buffered (the file is no longer ours); returns how many deliveries are not durable. */
  discard(): number {
    this.#changes.length = 0;
    return markVolatile(this.#takeInserts());
  }

  #insert(entry: PendingEntry): void {
    // Evicted before its first commit: it never reaches the file.
    if (isEvicted(entry)) return;
    const dead = !entry.live;
    this.#statements.insert.run(
      entry.seq,
      entry.id,
      entry.endpointId,
      entry.event,
      entry.body ?? new Uint8Array(0),
      dead ? "dead" : "pending",
      entry.attempts,
      entry.createdAt,
      dead ? null : entry.dueAt,
      dead ? entry.createdAt : null,
      dead ? (entry.deadReason ?? null) : null,
    );
  }

  #apply(change: Change): void {
    const s = this.#statements;
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

/** A commit that failed; `lost` deliveries are kept in memory only. */
export class CommitFailure {
  constructor(
    readonly error: unknown,
    readonly lost: number,
    /** True when the owner row names another process. */
    readonly lockLost: boolean,
  ) {}
}

function isEvicted(entry: PendingEntry | undefined): boolean {
  return entry !== undefined && !entry.live && entry.deadReason === undefined;
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
