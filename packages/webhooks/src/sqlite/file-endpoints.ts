/**
 * The endpoints of a SqliteStore file as an operator sees them, read in time
 * that does not grow with the file: ids from `delivery_endpoints` (kept by
 * the store) and the kept configs, pending counts through the pending index,
 * and health from the attempts of the newest deliveries only.
 *
 * @module
 */
import { MAX_PAGE } from "../admin/admin-query";
import type { AdminEndpoint } from "../admin/delivery-admin";
import { storedEndpoint } from "../admin/stored-endpoint";
import type { SqliteDatabase } from "./driver/sqlite-driver";

/** Deliveries, newest first, whose attempts make up the endpoints' health. */
export const HEALTH_WINDOW = 10_000;

interface KeptConfig {
  config: string;
  disabled_reason: string | null;
  disabled_code: string | null;
}

type HealthRow = [id: string, attempts: number, failed: number, lastSuccess: number | null];

/** Every endpoint (at most 500), sorted by id, with pending count and recent health. */
export function fileEndpoints(db: SqliteDatabase): AdminEndpoint[] {
  const pending = db
    .prepare("SELECT count(*) FROM deliveries WHERE endpoint_id = ? AND status = 'pending'")
    .pluck();
  const config = db.prepare(
    "SELECT config, disabled_reason, disabled_code FROM endpoints WHERE id = ?",
  );
  const health = recentHealth(db);
  return endpointIds(db).map((id) => {
    const kept = config.get(id) as KeptConfig | undefined;
    const recent = health.get(id);
    return storedEndpoint(
      {
        id,
        config: kept === undefined ? undefined : JSON.parse(kept.config),
        disabledReason: kept?.disabled_reason ?? null,
        disabledCode: kept?.disabled_code ?? null,
        pending: pending.get(id) as number,
      },
      recent === undefined || recent[1] === 0
        ? {}
        : {
            failureRate: recent[2] / recent[1],
            ...(recent[3] === null ? {} : { lastSuccessAt: recent[3] }),
          },
    );
  });
}

/** Ids named by deliveries (`delivery_endpoints`, kept by the store) or by kept configs. */
function endpointIds(db: SqliteDatabase): string[] {
  return db
    .prepare(
      "SELECT endpoint_id FROM delivery_endpoints UNION SELECT id FROM endpoints ORDER BY 1 LIMIT ?",
    )
    .pluck()
    .all(MAX_PAGE) as string[];
}

/** Attempts, failed attempts and last success per endpoint over the newest deliveries. */
function recentHealth(db: SqliteDatabase): Map<string, HealthRow> {
  const top = (db.prepare("SELECT max(seq) FROM deliveries").pluck().get() as number | null) ?? 0;
  const rows = db
    .prepare(
      `SELECT d.endpoint_id, count(a.attempt), count(a.error_kind),
         max(CASE WHEN a.error_kind IS NULL THEN a.started_at END)
       FROM deliveries AS d JOIN attempts AS a ON a.delivery_seq = d.seq
       WHERE d.seq > ? GROUP BY d.endpoint_id`,
    )
    .raw()
    .all(top - HEALTH_WINDOW) as HealthRow[];
  return new Map(rows.map((row) => [row[0], row]));
}
