/**
 * Options of the PostgreSQL store and their validation at construction time.
 *
 * @module
 */
import { invalidOption } from "../options/invalid-option";
import { assertKnownKeys } from "../options/strict-options";

/** The part of a `pg.Pool` the store reads: its connection settings. */
export interface PoolLike {
  readonly options: object;
  query: unknown;
}

/** Options of {@link PostgresStore}. Only `connection` is required. */
export interface PostgresStoreOptions {
  /**
   * A connection string (`postgres://user@host:5432/db`) or a `pg.Pool` the
   * app already has. The store opens its own two connections with the same
   * settings (one for queries, one for LISTEN): its queries run on a thread
   * of their own, and a pool cannot cross threads.
   */
  readonly connection: string | PoolLike;
  /** The schema of the store's tables, created by its migrations. Default `"attesta"`. */
  readonly schema?: string;
  /**
   * How long a process owns an endpoint without renewing its lease, in ms.
   * After it, another process takes the endpoint's deliveries over (a killed
   * process's work waits at most this long). Default 15000; renewed every third of it.
   */
  readonly leaseMs?: number;
  /** How often pending rows are looked for when no notification came, in ms. Default 1000. */
  readonly pollIntervalMs?: number;
  /** Longest wait of a synchronous read (open, get, list, redeliver, endpoint admin), in ms. Default 10000. */
  readonly syncTimeoutMs?: number;
  /** `statement_timeout` of the store's connections, in ms. Default 30000. */
  readonly statementTimeoutMs?: number;
  /** Whether endpoint secrets are written with their configs (as `SqliteStore`'s `storeSecrets`). Default false. */
  readonly storeSecrets?: boolean;
  /**
   * While commits fail (the database is down or refusing), the most new
   * deliveries held in memory waiting for it. Past it, new events are
   * refused, each reported through `onDrop` (reason `"queue_full"`) and
   * `delivery.dropped`: they were never acknowledged by `persisted()`.
   * Default 100,000 (as `SqliteStore`).
   */
  readonly maxUncommitted?: number;
  /** How long settled deliveries are kept, in ms. Defaults: 7 days delivered, 30 days dead. */
  readonly retention?: { readonly delivered?: number; readonly dead?: number };
  /** How often expired rows are pruned in the background, in ms. Default 60000. */
  readonly pruneIntervalMs?: number;
  /** Rows deleted per pruning statement (bounded, so writers are never held up long). Default 1000. */
  readonly pruneBatchSize?: number;
}

export interface ResolvedPostgresOptions {
  readonly config: Record<string, unknown>;
  readonly schema: string;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly syncTimeoutMs: number;
  readonly storeSecrets: boolean;
  readonly maxUncommitted: number;
  readonly retainDeliveredMs: number;
  readonly retainDeadMs: number;
  readonly pruneIntervalMs: number;
  readonly pruneBatchSize: number;
}

const DAY = 24 * 60 * 60 * 1000;

const KEYS = [
  "connection",
  "schema",
  "leaseMs",
  "pollIntervalMs",
  "syncTimeoutMs",
  "statementTimeoutMs",
  "storeSecrets",
  "maxUncommitted",
  "retention",
  "pruneIntervalMs",
  "pruneBatchSize",
];

export function resolvePostgresOptions(options: PostgresStoreOptions): ResolvedPostgresOptions {
  if (options === null || typeof options !== "object")
    throw invalidOption("PostgresStore options", "an object", options, "pass { connection }");
  assertKnownKeys(options, KEYS, "new PostgresStore(options)");
  const schema = options.schema ?? "attesta";
  if (typeof schema !== "string" || !/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
    throw invalidOption(
      "PostgresStore schema",
      "a lower-case SQL identifier",
      schema,
      'pass e.g. "attesta"',
    );
  const statementTimeoutMs = integer("statementTimeoutMs", options.statementTimeoutMs, 30_000);
  const retention = options.retention;
  if (retention !== undefined) {
    if (retention === null || typeof retention !== "object")
      throw invalidOption(
        "PostgresStore retention",
        "an object",
        retention,
        "pass e.g. { delivered: 86_400_000 }",
      );
    assertKnownKeys(retention, ["delivered", "dead"], "new PostgresStore(options).retention");
  }
  return {
    config: {
      ...connectionConfig(options.connection),
      statement_timeout: statementTimeoutMs,
      application_name: "attesta-webhooks",
    },
    schema,
    leaseMs: integer("leaseMs", options.leaseMs, 15_000),
    pollIntervalMs: integer("pollIntervalMs", options.pollIntervalMs, 1000),
    syncTimeoutMs: integer("syncTimeoutMs", options.syncTimeoutMs, 10_000),
    storeSecrets: flag(options.storeSecrets),
    maxUncommitted: integer("maxUncommitted", options.maxUncommitted, 100_000),
    retainDeliveredMs: integer("retention.delivered", retention?.delivered, 7 * DAY, 0),
    retainDeadMs: integer("retention.dead", retention?.dead, 30 * DAY, 0),
    pruneIntervalMs: integer("pruneIntervalMs", options.pruneIntervalMs, 60_000),
    pruneBatchSize: integer("pruneBatchSize", options.pruneBatchSize, 1000),
  };
}

function connectionConfig(connection: unknown): Record<string, unknown> {
  if (typeof connection === "string" && connection.length > 0)
    return { connectionString: connection, connectionTimeoutMillis: 5000 };
  const pool = connection as PoolLike | undefined;
  if (pool !== null && typeof pool === "object" && typeof pool.options === "object") {
    // Only plain settings cross to the store's thread (no functions, no sockets).
    const config: Record<string, unknown> = { connectionTimeoutMillis: 5000 };
    for (const [key, value] of Object.entries(pool.options)) {
      if (typeof value === "function" || key === "Client" || key === "Promise") continue;
      if (value !== null && typeof value === "object" && key !== "ssl") continue;
      config[key] = value;
    }
    return config;
  }
  throw invalidOption(
    "PostgresStore connection",
    "a connection string or a pg.Pool",
    connection,
    'pass e.g. "postgres://postgres@127.0.0.1:5432/app" or your pg.Pool',
  );
}

function flag(value: boolean | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean")
    throw invalidOption(
      "PostgresStore storeSecrets",
      "true or false",
      value,
      "pass true, or leave it out",
    );
  return value;
}

function integer(at: string, value: number | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min)
    throw invalidOption(
      `PostgresStore ${at}`,
      `an integer ≥ ${min}`,
      value,
      `pass e.g. ${fallback}`,
    );
  return value;
}
