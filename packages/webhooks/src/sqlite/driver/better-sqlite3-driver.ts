/**
 * The better-sqlite3 driver: its connection already has the shape the store
 * uses, so this only loads the optional native module, on first open.
 *
 * @module
 */
import { createRequire } from "node:module";
import type BetterSqlite3 from "better-sqlite3";
import type { SqliteDatabase, SqliteOpenOptions } from "./sqlite-driver";

type Constructor = typeof BetterSqlite3;

let loaded: { readonly database?: Constructor; readonly error?: unknown } | undefined;

/**
 * The better-sqlite3 constructor, or the reason it cannot load here (not
 * installed, or built for another Node.js ABI). Loaded at the first open,
 * never at import time.
 */
export function loadBetterSqlite3(): { readonly database?: Constructor; readonly error?: unknown } {
  if (loaded === undefined) {
    try {
      const database = createRequire(import.meta.url)("better-sqlite3") as Constructor;
      // The native binding loads at the first connection: prove it loads now.
      new database(":memory:").close();
      loaded = { database };
    } catch (error) {
      loaded = { error };
    }
  }
  return loaded;
}

/** Where better-sqlite3 resolves from this package: a worker thread loads it from there. */
export function betterSqlite3Entry(): string {
  return createRequire(import.meta.url).resolve("better-sqlite3");
}

export function openBetterSqlite3(
  database: Constructor,
  path: string,
  options: SqliteOpenOptions,
): SqliteDatabase {
  return new database(path, {
    readonly: options.readonly,
    fileMustExist: options.fileMustExist,
    timeout: options.busyTimeoutMs,
  });
}
