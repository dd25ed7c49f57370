/**
 * The few calls the SQLite store makes on a database connection: the subset
 * of better-sqlite3 it uses, which `node:sqlite` is adapted to. The store is
 * written once against this; each driver is a thin adapter under it.
 *
 * @module
 */

/** The SQLite libraries the store can run on. */
export type SqliteDriverName = "node:sqlite" | "better-sqlite3";

export interface SqliteRunResult {
  readonly changes: number | bigint;
  readonly lastInsertRowid: number | bigint;
}

/** A prepared statement. Blobs come back as Uint8Array (a Buffer under better-sqlite3). */
export interface SqliteStatement {
  run(...params: unknown[]): SqliteRunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
  /** This statement, returning each row's first column instead of the row. */
  pluck(): SqliteStatement;
  /** This statement, returning each row as an array of its column values. */
  raw(): SqliteStatement;
}

/** `fn` in a transaction: BEGIN (DEFERRED by default, or IMMEDIATE), COMMIT, ROLLBACK when it throws. */
export interface SqliteTransaction<A extends unknown[], R> {
  (...args: A): R;
  immediate(...args: A): R;
}

/** An open connection. */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): unknown;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): SqliteTransaction<A, R>;
  /** `PRAGMA source`: all rows, or with `simple` the first column of the first row. */
  pragma(source: string, options?: { readonly simple?: boolean }): unknown;
  close(): unknown;
}

export interface SqliteOpenOptions {
  readonly readonly: boolean;
  /** Refuse to create the file when it does not exist. */
  readonly fileMustExist: boolean;
  /** How long a statement waits for another connection's write lock. */
  readonly busyTimeoutMs: number;
}

/** Opens a connection with one driver; throws (the driver's own error) when it cannot. */
export type SqliteOpen = (path: string, options: SqliteOpenOptions) => SqliteDatabase;
