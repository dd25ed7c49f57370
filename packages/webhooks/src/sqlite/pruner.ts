/**
 * Deletes settled deliveries past their retention, a bounded batch per
 * transaction, and hands the freed pages back to the file system.
 *
 * @module
 */
import type { SqliteDatabase } from "./driver/sqlite-driver";

export interface Retention {
  readonly deliveredMs: number;
  readonly deadMs: number;
  readonly batchSize: number;
}

export class Pruner {
  private readonly db: SqliteDatabase;
  private readonly retention: Retention;
  private readonly expired;
  private readonly deleteAttempts;
  private readonly deleteRow;

  constructor(db: SqliteDatabase, retention: Retention) {
    this.db = db;
    this.retention = retention;
    this.expired = db
      .prepare("SELECT seq FROM deliveries WHERE status = ? AND settled_at < ? LIMIT ?")
      .pluck();
    this.deleteAttempts = db.prepare("DELETE FROM attempts WHERE delivery_seq = ?");
    this.deleteRow = db.prepare("DELETE FROM deliveries WHERE seq = ?");
  }

  /** Deletes at most one batch of expired rows in one transaction; returns how many. */
  pruneBatch(now: number): number {
    const run = this.db.transaction(() => {
      let left = this.retention.batchSize;
      const delivered = this.expired.all(
        "delivered",
        now - this.retention.deliveredMs,
        left,
      ) as number[];
      left -= delivered.length;
      const dead =
        left > 0 ? (this.expired.all("dead", now - this.retention.deadMs, left) as number[]) : [];
      for (const seq of [...delivered, ...dead]) {
        this.deleteAttempts.run(seq);
        this.deleteRow.run(seq);
      }
      return delivered.length + dead.length;
    });
    return run.immediate();
  }

  /** Returns free pages to the file system (the file is created with auto_vacuum = INCREMENTAL). */
  shrink(): void {
    this.db.pragma("incremental_vacuum");
  }
}
