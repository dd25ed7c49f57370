/**
 * A SqliteStore file as an older version wrote it, for the upgrade tests.
 *
 * @module
 */

import { migrate } from "../../src/sqlite/migrations";
import { openRaw, type SqliteDatabase } from "./raw-database";

/**
 * Creates `path` at schema `version` with one pending APPROVED delivery
 * (`deliveryId`, body `{"event":"APPROVED"}`) for `endpointId`, and runs
 * `seed` for anything else the version had.
 */
export function writeOldFile(
  path: string,
  version: number,
  delivery: { readonly id: string; readonly endpointId: string; readonly attempts: number },
  seed: (db: SqliteDatabase) => void = () => {},
): void {
  const old = openRaw(path);
  old.pragma("journal_mode = WAL");
  migrate(old, version);
  old
    .prepare(
      `INSERT INTO deliveries (seq, id, endpoint_id, event, body, status, attempts, created_at, next_attempt_at)
       VALUES (1, ?, ?, 'APPROVED', ?, 'pending', ?, 1000, 0)`,
    )
    .run(delivery.id, delivery.endpointId, Buffer.from('{"event":"APPROVED"}'), delivery.attempts);
  seed(old);
  old.close();
}
