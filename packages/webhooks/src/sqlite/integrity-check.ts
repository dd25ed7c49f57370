/**
 * How a SqliteStore makes sure its file is not damaged before it trusts it:
 * SQLite's `quick_check` reads every page, O(file size). A small file is
 * checked in full before it is used; a large one (a long outage's backlog)
 * would keep the dispatcher from starting for seconds, so by default only
 * the tables read at open are checked then, and the whole file in the
 * background (integrity-worker.ts), which stops sending if it finds damage.
 *
 * @module
 */
import { statSync } from "node:fs";
import { SqliteStoreError } from "../errors";
import type { SqliteDatabase } from "./driver/sqlite-driver";

/** The `integrityCheck` option: when the whole file is checked (see SqliteStoreOptions). */
export type IntegrityCheckMode = "open" | "background" | "off";

/** What is checked at open: every page, the tables read at open only, or nothing. */
export type OpenCheck = "full" | "light" | "none";

/**
 * Largest file (with its WAL) checked in full at open by default: quick_check
 * reads about 1 GB/s from the page cache, so this costs tens of
 * milliseconds, and an open that refuses a damaged file is simpler to act on
 * than a dispatcher that stops later.
 */
export const FULL_CHECK_AT_OPEN_BYTES = 32 * 2 ** 20;

/** The small tables (a row per endpoint, process or request), checked even when the rest waits for the background check. */
const OPEN_TABLES = ["owner", "requests", "endpoints", "id_epochs", "delivery_endpoints"];

/** Which check runs at open for `mode` (undefined: by the file's size), and whether one follows in the background. */
export function planCheck(
  path: string,
  mode: IntegrityCheckMode | undefined,
): { readonly atOpen: OpenCheck; readonly background: boolean } {
  if (mode === "off") return { atOpen: "none", background: false };
  if (mode === "open") return { atOpen: "full", background: false };
  if (mode === undefined && fileBytes(path) <= FULL_CHECK_AT_OPEN_BYTES)
    return { atOpen: "full", background: false };
  return { atOpen: "light", background: true };
}

function fileBytes(path: string): number {
  const size = (file: string) => statSync(file, { throwIfNoEntry: false })?.size ?? 0;
  return size(path) + size(`${path}-wal`);
}

/**
 * Refuses a damaged file before anything is read from or written to it
 * (`full`: every page; `light`: the small tables read at open), so a file
 * with overwritten pages is never used to deliver, nor extended by new writes.
 */
export function assertIntact(db: SqliteDatabase, path: string, check: OpenCheck): void {
  if (check === "none") return;
  const tables =
    check === "full"
      ? [undefined]
      : (db
          .prepare(
            `SELECT name FROM sqlite_schema WHERE type = 'table' AND name IN (${OPEN_TABLES.map(() => "?").join(", ")})`,
          )
          .pluck()
          .all(...OPEN_TABLES) as string[]);
  for (const table of tables) {
    const problems = quickCheck(db, table);
    if (problems !== undefined) throw corruptFile(path, problems);
  }
}

/** What quick_check reports wrong (at most 3 lines), or undefined when the file (or `table`) is intact. */
export function quickCheck(db: SqliteDatabase, table?: string): string[] | undefined {
  const sql = table === undefined ? "PRAGMA quick_check(3)" : `PRAGMA quick_check("${table}")`;
  const lines = db.prepare(sql).pluck().all() as string[];
  if (lines.length === 1 && lines[0] === "ok") return undefined;
  return lines.slice(0, 3);
}

/** The error of a damaged file; `inUse` when the damage was found while the store ran. */
export function corruptFile(
  path: string,
  problems: readonly string[],
  inUse = false,
): SqliteStoreError {
  const found = problems.map((line) => line.replace(/\s+/g, " ").trim()).join("; ");
  const what = inUse
    ? "The store sends nothing more from it (new events are still written to it, so that they can be recovered)."
    : "It was not used.";
  return new SqliteStoreError(
    "corrupt",
    path,
    `${path} is damaged: SQLite's quick_check reports ${found}. ${what} Fix: stop every process on it and restore it from your latest backup; without one, move it aside (keep it) so a new store file starts, and read what can still be read from the damaged copy with \`sqlite3 <copy> .recover\`.`,
  );
}
