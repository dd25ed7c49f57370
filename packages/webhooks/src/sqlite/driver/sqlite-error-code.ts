/**
 * One name for a SQLite error whichever driver threw it: better-sqlite3 puts
 * it in `code` ("SQLITE_BUSY"); `node:sqlite` puts "ERR_SQLITE_ERROR" there
 * and the SQLite result code in `errcode`.
 *
 * @module
 */

/** Primary SQLite result codes the store tells apart (https://sqlite.org/rescode.html). */
const PRIMARY: Readonly<Record<number, string>> = {
  5: "SQLITE_BUSY",
  8: "SQLITE_READONLY",
  10: "SQLITE_IOERR",
  11: "SQLITE_CORRUPT",
  13: "SQLITE_FULL",
  14: "SQLITE_CANTOPEN",
  19: "SQLITE_CONSTRAINT",
  26: "SQLITE_NOTADB",
};

/** "SQLITE_…" for a SQLite error from either driver, else the error's own `code`. */
export function sqliteErrorCode(error: unknown): unknown {
  const { code, errcode } = (error ?? {}) as { code?: unknown; errcode?: unknown };
  if (typeof errcode !== "number") return code;
  return PRIMARY[errcode & 0xff] ?? `SQLITE_ERROR_${errcode}`;
}
