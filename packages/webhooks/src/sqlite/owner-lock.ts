/**
 * One dispatcher per file: the owner row names the process that may send
 * from the file. A second opener is refused while the owner lives; it takes
 * the file over once the owner's pid is gone (same host) or its heartbeat is
 * older than `staleAfterMs` (any host, or a pid reused by another program).
 *
 * Every commit re-checks the owner token in the same transaction (and
 * refreshes the heartbeat), so a process that lost the file, for instance
 * after its event loop stalled past the stale limit, stops writing instead of
 * racing the new owner.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { SqliteStoreLockedError, type StoreOwner } from "../errors";
import type { SqliteDatabase } from "./driver/sqlite-driver";

interface OwnerRow {
  token: string;
  pid: number;
  host: string;
  started_at: number;
  heartbeat_at: number;
}

export class OwnerLock {
  readonly token = randomUUID();
  private readonly db: SqliteDatabase;
  private readonly refresh;

  constructor(db: SqliteDatabase) {
    this.db = db;
    this.refresh = db.prepare("UPDATE owner SET heartbeat_at = ? WHERE slot = 1 AND token = ?");
  }

  /** Takes the file or throws SqliteStoreLockedError. Runs in an IMMEDIATE transaction: two openers cannot both win. */
  acquire(path: string, now: number, staleAfterMs: number): void {
    const take = this.db.transaction(() => {
      const row = this.db.prepare("SELECT * FROM owner WHERE slot = 1").get() as
        | OwnerRow
        | undefined;
      if (row !== undefined && isAlive(row, now, staleAfterMs))
        throw new SqliteStoreLockedError(path, toOwner(row), staleAfterMs);
      this.db
        .prepare(
          "INSERT OR REPLACE INTO owner (slot, token, pid, host, started_at, heartbeat_at) VALUES (1, ?, ?, ?, ?, ?)",
        )
        .run(this.token, process.pid, hostname(), now, now);
    });
    take.immediate();
  }

  /** Refreshes the heartbeat; false when another process has taken the file over. Call inside the commit transaction. */
  confirm(now: number): boolean {
    return this.refresh.run(now, this.token).changes === 1;
  }

  /** Gives the file up (clean close). */
  release(): void {
    this.db.prepare("DELETE FROM owner WHERE slot = 1 AND token = ?").run(this.token);
  }
}

/** The recorded owner of a file, if any. */
export function readOwner(db: SqliteDatabase): StoreOwner | undefined {
  const row = db.prepare("SELECT * FROM owner WHERE slot = 1").get() as OwnerRow | undefined;
  return row === undefined ? undefined : toOwner(row);
}

function isAlive(row: OwnerRow, now: number, staleAfterMs: number): boolean {
  if (now - row.heartbeat_at > staleAfterMs) return false;
  if (row.host !== hostname()) return true;
  return pidExists(row.pid);
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the pid exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function toOwner(row: OwnerRow): StoreOwner {
  return {
    pid: row.pid,
    host: row.host,
    startedAt: row.started_at,
    heartbeatAt: row.heartbeat_at,
  };
}
