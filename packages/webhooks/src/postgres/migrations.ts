/**
 * The schema of a PostgresStore as an ordered list of migrations, in a schema
 * of its own (default `attesta`). `meta.version` says how many have run;
 * `open` runs the missing ones in one transaction under an advisory lock, so
 * several processes starting at once migrate once, and refuses a schema newer
 * than this code knows.
 *
 * Rules for adding one: append, never edit a released step; each step only
 * adds or reshapes, and keeps every row it finds.
 *
 * @module
 */
import type { Statement } from "./database-thread";

export interface PgMigration {
  readonly version: number;
  readonly description: string;
  /** SQL with `$schema` standing for the quoted schema name. */
  readonly sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    description: "deliveries, attempts, endpoints and endpoint owners",
    sql: `
CREATE TABLE IF NOT EXISTS $schema.deliveries (
  id              uuid    PRIMARY KEY,
  seq             bigint  GENERATED ALWAYS AS IDENTITY,
  endpoint_id     text    NOT NULL,
  event           text    NOT NULL,
  body            bytea   NOT NULL,
  status          text    NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  series_start    integer NOT NULL DEFAULT 0,
  created_at      bigint  NOT NULL,
  next_attempt_at bigint,
  settled_at      bigint,
  dead_reason     text
);
-- The owner of an endpoint pages its pending rows in by acceptance order.
CREATE INDEX IF NOT EXISTS deliveries_pending ON $schema.deliveries (endpoint_id, seq)
  WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS deliveries_created ON $schema.deliveries (created_at, seq);
CREATE INDEX IF NOT EXISTS deliveries_settled ON $schema.deliveries (settled_at)
  WHERE status <> 'pending';
CREATE TABLE IF NOT EXISTS $schema.attempts (
  delivery_id   uuid    NOT NULL,
  attempt       integer NOT NULL,
  started_at    bigint  NOT NULL,
  duration_ms   integer NOT NULL,
  status        integer,
  error_kind    text,
  error_message text,
  response_body text,
  PRIMARY KEY (delivery_id, attempt)
);
CREATE TABLE IF NOT EXISTS $schema.endpoints (
  id              text    PRIMARY KEY,
  position        bigint  GENERATED ALWAYS AS IDENTITY,
  config          jsonb   NOT NULL,
  signed          boolean NOT NULL,
  disabled_reason text,
  disabled_since  bigint,
  updated_at      bigint  NOT NULL
);
-- One process delivers an endpoint at a time: its lease here, renewed by heartbeat.
CREATE TABLE IF NOT EXISTS $schema.endpoint_owners (
  endpoint_id text   PRIMARY KEY,
  owner       text   NOT NULL,
  lease_until bigint NOT NULL
);`,
  },
  {
    version: 2,
    description:
      "a delivery's own content type and headers (custom formats); the receiver's code of a disabled endpoint",
    // NULL: application/json, no extra headers, no code.
    sql: `
ALTER TABLE $schema.deliveries ADD COLUMN IF NOT EXISTS content_type text;
ALTER TABLE $schema.deliveries ADD COLUMN IF NOT EXISTS headers jsonb;
ALTER TABLE $schema.endpoints ADD COLUMN IF NOT EXISTS disabled_code text;`,
  },
  {
    version: 3,
    description:
      "which process holds a pending delivery in memory, so an owner pages in only the rows no one holds; endpoints being removed with drain",
    // NULL: no process holds the row; its endpoint's owner pages it in (and sets itself here).
    sql: `
ALTER TABLE $schema.deliveries ADD COLUMN IF NOT EXISTS holder text;
CREATE INDEX IF NOT EXISTS deliveries_unheld ON $schema.deliveries (endpoint_id, seq)
  WHERE status = 'pending' AND holder IS NULL;
ALTER TABLE $schema.endpoints ADD COLUMN IF NOT EXISTS retiring boolean NOT NULL DEFAULT false;`,
  },
];

export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/** `"attesta"` → `"attesta"` quoted; the name was checked by the options. */
export function quoteSchema(schema: string): string {
  return `"${schema}"`;
}

/** The statements that bring a schema from `from` to the latest version. */
export function migrationStatements(schema: string, from: number): Statement[] {
  const q = quoteSchema(schema);
  const steps: Statement[] = [
    { text: "SELECT pg_advisory_xact_lock(hashtext($1))", values: [`attesta.migrate.${schema}`] },
    { text: `CREATE SCHEMA IF NOT EXISTS ${q}` },
    { text: `CREATE TABLE IF NOT EXISTS ${q}.meta (key text PRIMARY KEY, value text NOT NULL)` },
  ];
  for (const migration of PG_MIGRATIONS) {
    if (migration.version <= from) continue;
    steps.push({ text: migration.sql.replaceAll("$schema", q) });
  }
  steps.push({
    text: `INSERT INTO ${q}.meta (key, value) VALUES ('version', $1)
      ON CONFLICT (key) DO UPDATE SET value = GREATEST(${q}.meta.value::int, $1::int)::text`,
    values: [String(PG_SCHEMA_VERSION)],
  });
  return steps;
}

/** The statement that tells whether the schema has its `meta` table yet. */
export function metaExistsStatement(schema: string): Statement {
  return { text: "SELECT to_regclass($1) IS NOT NULL", values: [`${quoteSchema(schema)}.meta`] };
}

/** The statement that reads the version (run once `meta` exists). */
export function versionStatement(schema: string): Statement {
  return {
    text: `SELECT coalesce(max(value::int), 0) FROM ${quoteSchema(schema)}.meta WHERE key = 'version'`,
  };
}

/**
 * The SQL of every migration as one script, for a DBA who applies it by hand
 * (`attesta deliveries migrate --print --pg`).
 *
 * @example
 * ```ts
 * import { migrationSql } from "@attesta/webhooks/postgres";
 * console.log(migrationSql("attesta"));
 * ```
 */
export function migrationSql(schema = "attesta"): string {
  const q = quoteSchema(schema);
  const lines = [`BEGIN;`, `CREATE SCHEMA IF NOT EXISTS ${q};`];
  lines.push(`CREATE TABLE IF NOT EXISTS ${q}.meta (key text PRIMARY KEY, value text NOT NULL);`);
  for (const migration of PG_MIGRATIONS) {
    lines.push(`-- ${migration.version}: ${migration.description}`);
    lines.push(`${migration.sql.replaceAll("$schema", q).trim()}`);
  }
  lines.push(
    `INSERT INTO ${q}.meta (key, value) VALUES ('version', '${PG_SCHEMA_VERSION}') ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value;`,
    `COMMIT;`,
  );
  return `${lines.join("\n")}\n`;
}
