/**
 * Opens a SqliteStore file: checks that it is ours (or new), refuses a
 * corrupt, foreign or newer file with an error that names it, and migrates an
 * older one.
 *
 * @module
 */
import { SqliteStoreError } from "../errors";
import { chooseDriver } from "./driver/choose-driver";
import type { SqliteDatabase, SqliteDriverName } from "./driver/sqlite-driver";
import { sqliteErrorCode } from "./driver/sqlite-error-code";
import { assertIntact, type OpenCheck } from "./integrity-check";
import { APPLICATION_ID, migrate, SCHEMA_VERSION } from "./migrations";

export interface OpenDatabaseOptions {
  readonly readonly: boolean;
  /** How long a statement waits for another connection's write lock. */
  readonly busyTimeoutMs: number;
  /** `PRAGMA synchronous` for a writable connection. */
  readonly synchronous?: "normal" | "full";
  /** The SQLite library; automatic when left out. */
  readonly driver?: SqliteDriverName | undefined;
  /** Refuse to create a missing file (always so when read-only). */
  readonly fileMustExist?: boolean;
  /** How much of an existing file is checked for damage before use (integrity-check.ts); default `full`. */
  readonly check?: OpenCheck;
}

/** Opens, identifies and (when writable) migrates the file at `path`. */
export function openDatabase(path: string, options: OpenDatabaseOptions): SqliteDatabase {
  const driver = chooseDriver(path, options.driver);
  let db: SqliteDatabase;
  try {
    db = driver.open(path, {
      readonly: options.readonly,
      fileMustExist: options.readonly || options.fileMustExist === true,
      busyTimeoutMs: options.busyTimeoutMs,
    });
  } catch (error) {
    throw sqliteFailure(path, error, "open", options.readonly);
  }
  try {
    prepare(db, path, options);
    return db;
  } catch (error) {
    db.close();
    throw error instanceof SqliteStoreError
      ? error
      : sqliteFailure(path, error, "open", options.readonly);
  }
}

function prepare(db: SqliteDatabase, path: string, options: OpenDatabaseOptions): void {
  const applicationId = db.pragma("application_id", { simple: true }) as number;
  const version = db.pragma("user_version", { simple: true }) as number;
  const tables = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[];
  const fresh = applicationId === 0 && version === 0 && tables.length === 0;
  if (!fresh && applicationId !== APPLICATION_ID) throw foreignDatabase(path, tables);
  if (!fresh) assertIntact(db, path, options.check ?? "full");
  if (version > SCHEMA_VERSION) {
    throw new SqliteStoreError(
      "newer_schema",
      path,
      `${path} has schema version ${version}, written by a newer @attesta/webhooks; this version reads up to ${SCHEMA_VERSION}. Fix: upgrade @attesta/webhooks in this application (files are never downgraded).`,
    );
  }
  if (options.readonly || options.fileMustExist) {
    if (version < SCHEMA_VERSION) {
      throw new SqliteStoreError(
        "older_schema",
        path,
        `${path} has schema version ${version}; this version of @attesta/webhooks reads ${SCHEMA_VERSION}. Fix: open it once with a dispatcher (new SqliteStore({ path })), which upgrades it in place.`,
      );
    }
    return;
  }
  // auto_vacuum only takes effect before the first table exists.
  if (fresh) db.pragma("auto_vacuum = INCREMENTAL");
  db.pragma("journal_mode = WAL");
  db.pragma(`synchronous = ${options.synchronous === "full" ? "FULL" : "NORMAL"}`);
  // A page cache that holds the hot ends of the table and of the due index
  // saves reads; 8 MiB (2,048 pages), as it counts in the process's memory
  // however long the backlog in the file (writes append at one end, the
  // window is read from the other). Checkpoints (the only fsyncs under
  // synchronous=NORMAL) every 16 MiB of WAL instead of every 4 MiB.
  db.pragma("cache_size = -8192");
  db.pragma("wal_autocheckpoint = 4096");
  if (version < SCHEMA_VERSION) migrate(db);
}

function foreignDatabase(path: string, tables: readonly string[]): SqliteStoreError {
  const shown = tables.slice(0, 5).join(", ") + (tables.length > 5 ? ", …" : "");
  return new SqliteStoreError(
    "foreign_database",
    path,
    `${path} is a SQLite database of another application (tables: ${shown || "none"}), not a SqliteStore file. Fix: give SqliteStore a path of its own (a new file is created there); this file was left untouched.`,
  );
}

/**
 * Turns a driver's error into a SqliteStoreError that names the file
 * and the fix; `readOnly` for a reader (`SqliteStore.inspect`), whose fixes
 * never speak of creating a store.
 */
export function sqliteFailure(
  path: string,
  error: unknown,
  doing: string,
  readOnly = false,
): SqliteStoreError {
  const code = sqliteErrorCode(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code === "SQLITE_NOTADB" || code === "SQLITE_CORRUPT") {
    const fix = readOnly
      ? "pass the file a SqliteStore writes (the path given to new SqliteStore({ path })); this one was only read, never changed."
      : "point the store at its own file, or move this one away (keep it for inspection) and a new empty store is created at that path.";
    return new SqliteStoreError(
      "not_a_database",
      path,
      `${path} is not a readable SQLite database (${detail}); it is corrupt or another kind of file. Fix: ${fix}`,
      error,
    );
  }
  if (code === "SQLITE_CANTOPEN") {
    return new SqliteStoreError(
      "io",
      path,
      `cannot ${doing} ${path} (${detail}). Fix: create its directory and make it readable and writable by this process.`,
      error,
    );
  }
  if (code === "SQLITE_BUSY") {
    return new SqliteStoreError(
      "io",
      path,
      `${path} stayed locked by another connection while trying to ${doing} it (${detail}). Fix: look for a long transaction in another process on this file.`,
      error,
    );
  }
  return new SqliteStoreError("io", path, `${ioCause(String(code), path, doing, detail)}`, error);
}

/** The message of a failed read or write, naming its real cause by SQLite's error code. */
function ioCause(code: string, path: string, doing: string, detail: string): string {
  if (code.startsWith("SQLITE_FULL"))
    return `failed to ${doing} ${path}: the disk (or the file's size limit) is full (${detail}). Fix: free space on the volume that holds it; the store keeps trying, and what it holds in memory is written once the disk takes it.`;
  if (code.startsWith("SQLITE_READONLY"))
    return `failed to ${doing} ${path}: the file or its directory is read-only (${detail}). Fix: make both writable by this process (the -wal and -shm files next to it too).`;
  if (code.startsWith("SQLITE_IOERR"))
    return `failed to ${doing} ${path}: the operating system reported an I/O error (${code}: ${detail}). Fix: check the disk and the file system that holds it (dmesg, a network mount that went away).`;
  if (code.startsWith("SQLITE_CONSTRAINT"))
    return `failed to ${doing} ${path}: a row broke a constraint of the schema (${detail}). Fix: this is a bug in @attesta/webhooks or the file was changed by another program; report it with this message.`;
  return `failed to ${doing} ${path}: ${detail}. Fix: check free disk space and permissions of the file and its directory.`;
}
