/**
 * The checks and error mapping around the endpoint configs a SqliteStore
 * keeps in its file (the table itself is EndpointTable).
 *
 * @module
 */

import { SqliteStoreError } from "../errors";
import type { StoredEndpoint } from "../store/delivery-store";
import { sqliteFailure } from "./open-database";

/** Throws, writing nothing, when a config holds a secret and `storeSecrets` is off. */
export function refuseSecret(path: string, keepsSecrets: boolean, endpoint: StoredEndpoint): void {
  if (keepsSecrets || endpoint.config.secret === undefined) return;
  throw new SqliteStoreError(
    "io",
    path,
    `saveEndpoint("${endpoint.id}") was given a secret while storeSecrets is off; nothing was written. Fix: strip secret from the config, or pass storeSecrets: true to write secrets on purpose.`,
  );
}

/** Runs a read or write of the endpoint table; SQLite errors become SqliteStoreErrors naming the file. */
export function endpointAccess<T>(path: string, doing: "read" | "write", access: () => T): T {
  try {
    return access();
  } catch (error) {
    throw error instanceof SqliteStoreError ? error : sqliteFailure(path, error, doing);
  }
}
