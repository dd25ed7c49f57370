/**
 * The `endpoints` table: endpoint configs added at run time, so that a
 * restarted dispatcher gets them back, and whether each is disabled, so that
 * a restart does not enable it again. Written at once (an admin call or a
 * health change, never on the emit path), in a transaction that re-checks
 * the owner row.
 *
 * @module
 */
import type { EndpointDisabledState, StoredEndpoint } from "../store/delivery-store";
import type { SqliteDatabase } from "./driver/sqlite-driver";
import type { OwnerLock } from "./owner-lock";

interface EndpointRow {
  id: string;
  config: string;
  signed: number;
  disabled_reason: EndpointDisabledState["reason"] | null;
  disabled_since: number | null;
  /** Schema 8: the service's code of a `gone`. */
  disabled_code: string | null;
}

export class EndpointTable {
  private readonly db: SqliteDatabase;
  private readonly lock: OwnerLock;
  private readonly upsert;
  private readonly delete;
  private readonly setState;

  constructor(db: SqliteDatabase, lock: OwnerLock) {
    this.db = db;
    this.lock = lock;
    // The seq of a replaced row is kept, so restore order stays the order of first addition;
    // so is its disabled state: a config change does not enable an endpoint.
    this.upsert = db.prepare(
      `INSERT INTO endpoints (id, config, signed, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET config = excluded.config, signed = excluded.signed,
         updated_at = excluded.updated_at`,
    );
    this.delete = db.prepare("DELETE FROM endpoints WHERE id = ?");
    this.setState = db.prepare(
      `UPDATE endpoints SET disabled_reason = ?, disabled_since = ?, disabled_code = ?,
         updated_at = ? WHERE id = ?`,
    );
  }

  /** False when another process owns the file now (nothing is written). */
  save(endpoint: StoredEndpoint, now: number): boolean {
    const config = JSON.stringify(endpoint.config);
    return this.owned(now, () => {
      this.upsert.run(endpoint.id, config, endpoint.signed ? 1 : 0, now);
    });
  }

  /** Sets or clears the disabled state of a stored endpoint; an unknown id changes nothing. */
  saveState(id: string, disabled: EndpointDisabledState | undefined, now: number): boolean {
    return this.owned(now, () => {
      this.setState.run(
        disabled?.reason ?? null,
        disabled?.since ?? null,
        disabled?.receiverCode ?? null,
        now,
        id,
      );
    });
  }

  remove(id: string, now: number): boolean {
    return this.owned(now, () => {
      this.delete.run(id);
    });
  }

  load(): StoredEndpoint[] {
    const rows = this.db
      .prepare(
        `SELECT id, config, signed, disabled_reason, disabled_since, disabled_code
         FROM endpoints ORDER BY seq`,
      )
      .all() as EndpointRow[];
    return rows.map((row) => ({
      id: row.id,
      config: JSON.parse(row.config) as Record<string, unknown>,
      signed: row.signed === 1,
      ...(row.disabled_reason === null ? {} : { disabled: disabledState(row) }),
    }));
  }

  private owned(now: number, write: () => void): boolean {
    const run = this.db.transaction(() => {
      if (!this.lock.confirm(now)) return false;
      write();
      return true;
    });
    return run.immediate();
  }
}

function disabledState(row: EndpointRow): EndpointDisabledState {
  return {
    reason: row.disabled_reason as EndpointDisabledState["reason"],
    since: row.disabled_since ?? 0,
    ...(row.disabled_code === null ? {} : { receiverCode: row.disabled_code }),
  };
}
