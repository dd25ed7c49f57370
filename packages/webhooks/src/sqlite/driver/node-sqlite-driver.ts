/**
 * The `node:sqlite` driver (Node.js 22.13+ and 24): no native module to
 * install. Adapts `DatabaseSync` to the better-sqlite3 shape the store uses.
 *
 * @module
 */
import { existsSync } from "node:fs";
import type {
  SqliteDatabase,
  SqliteOpenOptions,
  SqliteRunResult,
  SqliteStatement,
  SqliteTransaction,
} from "./sqlite-driver";

/** The part of `node:sqlite`'s StatementSync the adapter calls. */
interface StatementSync {
  run(...params: unknown[]): SqliteRunResult;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
}

/** The part of `node:sqlite`'s DatabaseSync the adapter calls. */
export interface DatabaseSync {
  prepare(sql: string): StatementSync;
  exec(sql: string): void;
  close(): void;
  /** Node.js 22.16+ and 24; earlier 22.x track the depth themselves. */
  readonly isTransaction?: boolean;
}

export type DatabaseSyncConstructor = new (
  path: string,
  options: { readonly readOnly: boolean },
) => DatabaseSync;

/** better-sqlite3 binds an array argument as its elements, one per `?`; node:sqlite would take it as named parameters. */
function bindable(params: unknown[]): unknown[] {
  for (const param of params) if (Array.isArray(param)) return params.flat(1);
  return params;
}

type RowShape = (row: unknown) => unknown;

const firstColumn: RowShape = (row) =>
  row === undefined ? undefined : Object.values(row as object)[0];
const columnValues: RowShape = (row) =>
  row === undefined ? undefined : Object.values(row as object);

class NodeSqliteStatement implements SqliteStatement {
  private readonly statement: StatementSync;
  /** better-sqlite3's pluck() and raw(): rows reshaped after node:sqlite returns them as objects. */
  private readonly shape: RowShape | undefined;

  constructor(statement: StatementSync, shape?: RowShape) {
    this.statement = statement;
    this.shape = shape;
  }

  run(...params: unknown[]): SqliteRunResult {
    return this.statement.run(...bindable(params));
  }

  get(...params: unknown[]): unknown {
    const row = this.statement.get(...bindable(params));
    return this.shape ? this.shape(row) : row;
  }

  all(...params: unknown[]): unknown[] {
    const rows = this.statement.all(...bindable(params));
    return this.shape ? rows.map(this.shape) : rows;
  }

  iterate(...params: unknown[]): IterableIterator<unknown> {
    const rows = this.statement.iterate(...bindable(params));
    return this.shape ? reshaped(rows, this.shape) : rows;
  }

  pluck(): SqliteStatement {
    return new NodeSqliteStatement(this.statement, firstColumn);
  }

  raw(): SqliteStatement {
    return new NodeSqliteStatement(this.statement, columnValues);
  }
}

function* reshaped(rows: IterableIterator<unknown>, shape: RowShape): IterableIterator<unknown> {
  for (const row of rows) yield shape(row);
}

class NodeSqliteDatabase implements SqliteDatabase {
  private readonly db: DatabaseSync;
  /** Open transactions, outermost first; nested ones are savepoints, as in better-sqlite3. */
  private depth = 0;

  constructor(db: DatabaseSync) {
    this.db = db;
  }

  prepare(sql: string): SqliteStatement {
    return new NodeSqliteStatement(this.db.prepare(sql));
  }

  exec(sql: string): void {
    this.db.exec(sql);
  }

  pragma(source: string, options?: { readonly simple?: boolean }): unknown {
    const rows = this.db.prepare(`PRAGMA ${source}`).all();
    return options?.simple ? firstColumn(rows[0]) : rows;
  }

  close(): void {
    this.db.close();
  }

  transaction<A extends unknown[], R>(fn: (...args: A) => R): SqliteTransaction<A, R> {
    const run = (mode: string, args: A): R => this.inTransaction(mode, () => fn(...args));
    const deferred = (...args: A): R => run("BEGIN", args);
    return Object.assign(deferred, { immediate: (...args: A): R => run("BEGIN IMMEDIATE", args) });
  }

  private inTransaction<R>(begin: string, body: () => R): R {
    const savepoint = this.depth > 0 ? `attesta_${this.depth}` : undefined;
    this.db.exec(savepoint ? `SAVEPOINT ${savepoint}` : begin);
    this.depth += 1;
    try {
      const result = body();
      this.db.exec(savepoint ? `RELEASE ${savepoint}` : "COMMIT");
      return result;
    } catch (error) {
      this.rollback(savepoint);
      throw error;
    } finally {
      this.depth -= 1;
    }
  }

  /** Undoes what is left of a failed transaction (a failed COMMIT may have ended it already). */
  private rollback(savepoint: string | undefined): void {
    if (this.db.isTransaction === false) return;
    try {
      this.db.exec(savepoint ? `ROLLBACK TO ${savepoint}; RELEASE ${savepoint}` : "ROLLBACK");
    } catch {
      // Nothing left to roll back: SQLite ended the transaction itself.
    }
  }
}

export function openNodeSqlite(
  database: DatabaseSyncConstructor,
  path: string,
  options: SqliteOpenOptions,
): SqliteDatabase {
  if (options.fileMustExist && !existsSync(path)) {
    throw Object.assign(new Error(`unable to open database file: ${path} does not exist`), {
      code: "SQLITE_CANTOPEN",
    });
  }
  const db = new database(path, { readOnly: options.readonly });
  try {
    db.exec(`PRAGMA busy_timeout = ${Math.trunc(options.busyTimeoutMs)}`);
  } catch (error) {
    db.close();
    throw error;
  }
  return new NodeSqliteDatabase(db);
}
