/**
 * Brings the store's schema to the version this code knows, on `open`.
 *
 * @module
 */

import { PostgresStoreError } from "../errors";
import type { DatabaseThread } from "./database-thread";
import {
  metaExistsStatement,
  migrationStatements,
  PG_SCHEMA_VERSION,
  versionStatement,
} from "./migrations";

/** Runs the missing migrations; throws PostgresStoreError for a newer schema or no database. */
export function openSchema(thread: DatabaseThread, schema: string): void {
  // Connecting and migrating may take longer than a read: a bound of its own.
  const timeout = Math.max(thread.syncTimeoutMs, 60_000);
  let version: number;
  try {
    const [[exists] = []] = thread.runSync([metaExistsStatement(schema)], false, timeout);
    const [[row] = []] =
      exists?.[0] === true ? thread.runSync([versionStatement(schema)], false, timeout) : [];
    version = Number(row?.[0] ?? 0);
    if (version < PG_SCHEMA_VERSION)
      thread.runSync(migrationStatements(schema, version), true, timeout);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new PostgresStoreError(
      "unreachable",
      `PostgresStore could not open schema "${schema}": ${reason}. Fix: check the connection string (host, port, database, user) and that the user may CREATE in the database, or apply the migrations by hand (attesta deliveries migrate --print --pg).`,
      error,
    );
  }
  if (version > PG_SCHEMA_VERSION)
    throw new PostgresStoreError(
      "newer_schema",
      `PostgresStore schema "${schema}" is at version ${version}, newer than this @attesta/webhooks knows (${PG_SCHEMA_VERSION}); opening it could lose data. Fix: upgrade @attesta/webhooks in every process that uses the schema, or use another schema.`,
    );
}
