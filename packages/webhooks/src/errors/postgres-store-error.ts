/**
 * The error of the PostgreSQL store: a database it cannot use or reach.
 *
 * @module
 */

/** Why the store failed. */
export type PostgresStoreErrorCode = "newer_schema" | "unreachable" | "query" | "closed";

/**
 * The PostgreSQL store could not open its schema, or a read it was asked for
 * failed. The message says what failed and how to fix it; `cause` holds the
 * database error.
 *
 * @example
 * ```ts
 * import { PostgresStoreError } from "@attesta/webhooks/postgres";
 *
 * try {
 *   dispatcher.deliveries.list();
 * } catch (error) {
 *   if (error instanceof PostgresStoreError) console.error(error.code, error.message);
 * }
 * ```
 */
export class PostgresStoreError extends Error {
  override name = "PostgresStoreError";

  constructor(
    readonly code: PostgresStoreErrorCode,
    message: string,
    cause?: unknown,
  ) {
    super(`@attesta/webhooks: ${message}`, cause === undefined ? undefined : { cause });
  }
}

/** A failed query, worded for the operation that needed it. */
export function queryFailed(schema: string, what: string, cause: unknown): PostgresStoreError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new PostgresStoreError(
    "query",
    `PostgresStore (schema "${schema}") could not ${what}: ${reason}. Fix: check that PostgreSQL is reachable with the store's connection settings and that its user may use the schema.`,
    cause,
  );
}

/** The store was used out of its life cycle: opened twice (`open`), or used while `new` or `closed`. */
export function lifecycleError(
  schema: string,
  state: "new" | "open" | "closed",
): PostgresStoreError {
  const what =
    state === "open"
      ? "was opened twice. Fix: give each dispatcher its own PostgresStore."
      : `is ${state === "new" ? "not open yet" : "closed"}. Fix: use it through a WebhookDispatcher, which opens it, and not after close().`;
  return new PostgresStoreError("closed", `PostgresStore (schema "${schema}") ${what}`);
}
