/**
 * The schema of a SqliteStore file as an ordered list of migrations. The
 * file's `PRAGMA user_version` says how many have run; opening a file runs
 * the missing ones in one transaction, so a crash mid-upgrade leaves the file
 * at its old version, never half-migrated.
 *
 * Rules for adding one: append, never edit a released step; each step only
 * adds or reshapes, and keeps every row it finds.
 *
 * @module
 */
import type { SqliteDatabase as Database } from "./driver/sqlite-driver";

/** `PRAGMA application_id` of every SqliteStore file: "ATST" in ASCII. */
export const APPLICATION_ID = 0x41545354;

export interface Migration {
  readonly version: number;
  readonly description: string;
  up(db: Database): void;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: "deliveries, attempts and the owner row",
    up(db) {
      db.exec(`
        CREATE TABLE deliveries (
          seq             INTEGER PRIMARY KEY,
          id              TEXT    NOT NULL UNIQUE,
          endpoint_id     TEXT    NOT NULL,
          event           TEXT    NOT NULL,
          body            BLOB    NOT NULL,
          status          TEXT    NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
          attempts        INTEGER NOT NULL DEFAULT 0,
          created_at      INTEGER NOT NULL,
          next_attempt_at INTEGER,
          settled_at      INTEGER,
          dead_reason     TEXT
        );
        -- Partial: a fresh (pending) row never touches it, so enqueues stay cheap.
        CREATE INDEX deliveries_settled ON deliveries (status, settled_at)
          WHERE settled_at IS NOT NULL;
        CREATE TABLE attempts (
          delivery_seq  INTEGER NOT NULL,
          attempt       INTEGER NOT NULL,
          started_at    INTEGER NOT NULL,
          duration_ms   INTEGER NOT NULL,
          status        INTEGER,
          error_kind    TEXT,
          error_message TEXT,
          response_body TEXT,
          PRIMARY KEY (delivery_seq, attempt)
        ) WITHOUT ROWID;
        CREATE TABLE owner (
          slot         INTEGER PRIMARY KEY CHECK (slot = 1),
          token        TEXT    NOT NULL,
          pid          INTEGER NOT NULL,
          host         TEXT    NOT NULL,
          started_at   INTEGER NOT NULL,
          heartbeat_at INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 2,
    description:
      "redelivery requests from other processes, retry series, list by endpoint and time",
    up(db) {
      db.exec(`
        CREATE TABLE requests (
          seq          INTEGER PRIMARY KEY,
          kind         TEXT    NOT NULL CHECK (kind IN ('redeliver')),
          delivery_id  TEXT    NOT NULL,
          requested_at INTEGER NOT NULL
        );
        ALTER TABLE deliveries ADD COLUMN series_start INTEGER NOT NULL DEFAULT 0;
      `);
    },
  },
  {
    version: 3,
    description: "endpoint configs added at run time (secrets only when opted in)",
    up(db) {
      // config is the JSON of the config as given; signed says a secret is needed on restore.
      db.exec(`
        CREATE TABLE endpoints (
          seq        INTEGER PRIMARY KEY,
          id         TEXT    NOT NULL UNIQUE,
          config     TEXT    NOT NULL,
          signed     INTEGER NOT NULL CHECK (signed IN (0, 1)),
          updated_at INTEGER NOT NULL
        );
      `);
    },
  },
  {
    version: 4,
    description: "disabled state of endpoints (reason and since), kept across restarts",
    up(db) {
      // NULL reason: enabled. secret_missing is never stored: it follows from the secrets at start.
      db.exec(`
        ALTER TABLE endpoints ADD COLUMN disabled_reason TEXT
          CHECK (disabled_reason IN ('gone', 'failing', 'manual'));
        ALTER TABLE endpoints ADD COLUMN disabled_since INTEGER;
      `);
    },
  },
  {
    version: 5,
    description: "ids derived from seq for new deliveries (no id index), defaults for a fresh row",
    up(db) {
      // SQLite cannot drop a UNIQUE constraint in place: the table is copied.
      // Old rows keep their ids, found through a partial index that new rows
      // (id NULL) never touch; see delivery-ids.ts for the ids of new rows.
      db.exec(`
        CREATE TABLE deliveries_v5 (
          seq             INTEGER PRIMARY KEY,
          id              TEXT,
          endpoint_id     TEXT    NOT NULL,
          event           TEXT    NOT NULL,
          body            BLOB    NOT NULL,
          status          TEXT    NOT NULL DEFAULT 'pending'
                                  CHECK (status IN ('pending', 'delivered', 'dead')),
          attempts        INTEGER NOT NULL DEFAULT 0,
          series_start    INTEGER NOT NULL DEFAULT 0,
          created_at      INTEGER NOT NULL,
          next_attempt_at INTEGER,
          settled_at      INTEGER,
          dead_reason     TEXT
        );
        INSERT INTO deliveries_v5 (seq, id, endpoint_id, event, body, status, attempts,
            series_start, created_at, next_attempt_at, settled_at, dead_reason)
          SELECT seq, id, endpoint_id, event, body, status, attempts,
            series_start, created_at, next_attempt_at, settled_at, dead_reason
          FROM deliveries;
        DROP TABLE deliveries;
        ALTER TABLE deliveries_v5 RENAME TO deliveries;
        CREATE UNIQUE INDEX deliveries_legacy_id ON deliveries (id) WHERE id IS NOT NULL;
        CREATE INDEX deliveries_settled ON deliveries (status, settled_at)
          WHERE settled_at IS NOT NULL;
        CREATE TABLE id_epochs (
          first_seq INTEGER PRIMARY KEY,
          prefix    TEXT    NOT NULL UNIQUE,
          secret    BLOB    NOT NULL
        );
      `);
    },
  },
  {
    version: 6,
    description: "the due order of each endpoint's pending deliveries, read a page at a time",
    up(db) {
      // The file is the queue: a process keeps only a window of each endpoint's
      // next deliveries and pages more in by this index. Partial, so settled
      // rows leave it; rows of older schemas without a due time get their
      // creation time (they were due at once).
      db.exec(`
        UPDATE deliveries SET next_attempt_at = created_at
          WHERE status = 'pending' AND next_attempt_at IS NULL;
        CREATE INDEX deliveries_due ON deliveries (endpoint_id, next_attempt_at, seq)
          WHERE status = 'pending';
      `);
    },
  },
  {
    version: 7,
    description: "the endpoint ids the deliveries name, for listing endpoints without a scan",
    up(db) {
      // Written by the store when an endpoint's first row is committed; rows
      // already in the file are named once here (one scan, at the upgrade).
      db.exec(`
        CREATE TABLE delivery_endpoints (endpoint_id TEXT PRIMARY KEY) WITHOUT ROWID;
        INSERT INTO delivery_endpoints (endpoint_id) SELECT DISTINCT endpoint_id FROM deliveries;
      `);
    },
  },
  {
    version: 8,
    description:
      "a delivery's own content type and headers (custom formats); the receiver's code of a disabled endpoint",
    up(db) {
      // NULL: application/json, no extra headers, no code. headers holds a JSON object.
      db.exec(`
        ALTER TABLE deliveries ADD COLUMN content_type TEXT;
        ALTER TABLE deliveries ADD COLUMN headers TEXT;
        ALTER TABLE endpoints ADD COLUMN disabled_code TEXT;
      `);
    },
  },
];

/** The version a file has once every migration ran. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;

/**
 * Brings `db` from its `user_version` to `target` in one transaction. The
 * caller has checked that the file is ours (or empty) and not newer.
 */
export function migrate(db: Database, target: number = SCHEMA_VERSION): void {
  const upgrade = db.transaction(() => {
    const from = db.pragma("user_version", { simple: true }) as number;
    if (from === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    for (const migration of MIGRATIONS) {
      if (migration.version <= from || migration.version > target) continue;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
  });
  // IMMEDIATE: two processes opening a fresh file at once must not both create tables.
  upgrade.immediate();
}
