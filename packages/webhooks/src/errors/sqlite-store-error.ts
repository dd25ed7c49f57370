/**
 * Errors of the SQLite store: a file it cannot use, and a file another
 * dispatcher owns.
 *
 * @module
 */

/** Why a file was refused. */
export type SqliteStoreErrorCode =
  | "not_a_database"
  | "foreign_database"
  | "corrupt"
  | "newer_schema"
  | "older_schema"
  | "locked"
  | "lock_lost"
  | "closed"
  | "io"
  | "driver_unavailable";

/**
 * The SQLite store could not open, read or write its file. The message names
 * the file and says how to fix the problem; `cause` holds the SQLite error.
 *
 * @example
 * ```ts
 * import { SqliteStoreError } from "@attesta/webhooks/sqlite";
 *
 * try {
 *   store.open(context);
 * } catch (error) {
 *   if (error instanceof SqliteStoreError && error.code === "locked") console.error(error.message);
 * }
 * ```
 */
export class SqliteStoreError extends Error {
  override name = "SqliteStoreError";
  readonly code: SqliteStoreErrorCode;
  /** The database file, as given in the options. */
  readonly path: string;

  constructor(code: SqliteStoreErrorCode, path: string, message: string, cause?: unknown) {
    super(`@attesta/webhooks: ${message}`, cause === undefined ? undefined : { cause });
    this.code = code;
    this.path = path;
  }
}

/** The owner of a file, as recorded in it. */
export interface StoreOwner {
  readonly pid: number;
  readonly host: string;
  /** Epoch ms. */
  readonly startedAt: number;
  /** Epoch ms of the owner's last sign of life. */
  readonly heartbeatAt: number;
}

/**
 * Another live dispatcher owns the file. Two dispatchers on one file would
 * send the same deliveries twice, so the second one is refused.
 *
 * @example
 * ```ts
 * import { SqliteStoreLockedError } from "@attesta/webhooks/sqlite";
 *
 * try {
 *   store.open(context);
 * } catch (error) {
 *   if (error instanceof SqliteStoreLockedError) console.error("owned by pid", error.owner.pid);
 * }
 * ```
 */
export class SqliteStoreLockedError extends SqliteStoreError {
  override name = "SqliteStoreLockedError";
  readonly owner: StoreOwner;

  constructor(path: string, owner: StoreOwner, staleAfterMs: number) {
    super(
      "locked",
      path,
      `${path} is owned by another dispatcher (pid ${owner.pid} on ${owner.host}, since ${new Date(owner.startedAt).toISOString()}, last heartbeat ${new Date(owner.heartbeatAt).toISOString()}). ` +
        `Fix: stop that process, give this dispatcher its own file, or read the file with SqliteStore.inspect(path); the file is taken over automatically once that process is gone (same host) or its heartbeat is ${staleAfterMs} ms old.`,
    );
    this.owner = owner;
  }
}

/** open() was called on a store that was opened before. */
export function openedTwiceError(path: string): SqliteStoreError {
  return new SqliteStoreError(
    "closed",
    path,
    `${path}: open() was already called. Fix: use one SqliteStore per dispatcher.`,
  );
}

/** The store was used before open() or after close(). */
export function closedError(path: string, notOpenYet: boolean): SqliteStoreError {
  return new SqliteStoreError(
    "closed",
    path,
    `the SqliteStore on ${path} is ${notOpenYet ? "not open yet" : "closed"}. Fix: hand it to a WebhookDispatcher (which opens it) and do not use it after close().`,
  );
}

/** Another process owns the file now: this store is fenced. */
export function lockLostError(path: string, staleLockMs: number): SqliteStoreError {
  return new SqliteStoreError(
    "lock_lost",
    path,
    `another process took ${path} over (this process's heartbeat was older than ${staleLockMs} ms, for instance after a long event-loop stall); this dispatcher stopped sending and writing. Fix: restart it, and raise staleLockMs if the stall was expected.`,
  );
}
