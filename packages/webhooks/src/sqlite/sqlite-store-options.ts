/**
 * Options of the SQLite store and their validation at construction time.
 *
 * @module
 */
import { invalidOption } from "../options/invalid-option";
import { assertKnownKeys } from "../options/strict-options";
import { checkDriverName } from "./driver/choose-driver";
import type { SqliteDriverName } from "./driver/sqlite-driver";
import type { IntegrityCheckMode } from "./integrity-check";

const DAY = 24 * 60 * 60 * 1000;

/**
 * Options of {@link SqliteStore}. Only `path` is required.
 */
export interface SqliteStoreOptions {
  /** The database file; created when missing. Its directory must exist. */
  readonly path: string;
  /**
   * When enqueued deliveries are committed. `"tick"` (default): buffered and
   * committed in one transaction on the next turn of the event loop (at
   * most one commit per 5 ms while emits keep coming), so
   * `emit` does no I/O and a crash loses at most what was emitted since the
   * last commit. `"enqueue"`: one transaction per enqueue, on the emitter's
   * stack: nothing emitted is lost to a process crash, at the cost of a
   * commit (tens of microseconds, more with `synchronous: "full"`) per event
   * and endpoint.
   */
  readonly commit?: "tick" | "enqueue";
  /**
   * `"normal"` (default): commits survive a killed or crashed process; a power
   * loss or OS crash can roll back the last commits. `"full"`: every commit is
   * flushed to the disk before it counts (fsync), surviving power loss too,
   * at a cost of about a millisecond or more per commit.
   */
  readonly synchronous?: "normal" | "full";
  /** How long settled deliveries are kept, in ms. Defaults: 7 days delivered, 30 days dead. */
  readonly retention?: { readonly delivered?: number; readonly dead?: number };
  /** How often expired rows are pruned in the background, in ms. Default 60000. */
  readonly pruneIntervalMs?: number;
  /** Rows deleted per pruning transaction (bounded, so writers are never held up long). Default 1000. */
  readonly pruneBatchSize?: number;
  /**
   * The owner's heartbeat age after which another process may take the file
   * over, in ms. Default 15000. The owner refreshes it every second.
   */
  readonly staleLockMs?: number;
  /** How often the owner refreshes its heartbeat and picks up redelivery requests from other processes, in ms. Default 1000. */
  readonly pollIntervalMs?: number;
  /**
   * Whether endpoint secrets are written to the file with the endpoint
   * configs. Default `false`: configs are stored without `secret`, and a
   * restarted dispatcher gets it back from its `secrets` option. With `true`
   * the file (and its WAL and backups) holds every secret in plain text:
   * anyone who can read it can sign requests your receivers will trust.
   * Protect it like the secrets themselves (file mode 0600, encrypted disk,
   * no copies in logs or tickets).
   */
  readonly storeSecrets?: boolean;
  /**
   * The most deliveries one endpoint may have pending in the file. Default:
   * no bound, the disk is the limit: a receiver outage of any length costs
   * disk, never memory (each endpoint keeps a window of `maxQueueSize`
   * deliveries in memory and pages the rest in as it drains). With a bound,
   * the endpoint's `overflow` applies past it (`"drop-oldest"` deletes the
   * earliest due pending delivery, `"drop-newest"` refuses the new one), each
   * drop reported through `onDrop` and `delivery.dropped`, and the first one
   * also as a `store.warning` operator event.
   */
  readonly maxStoredPending?: number;
  /**
   * File size in bytes past which the store warns once (logger and a
   * `store.warning` operator event), so that a long outage is noticed
   * before the disk fills. Default 1 GiB; `0` turns the warning off.
   */
  readonly warnFileBytes?: number;
  /**
   * While commits fail (disk full, I/O error), the most deliveries held in
   * memory waiting for the disk. Past it, new events are refused, each
   * reported through `onDrop` (reason `"queue_full"`) and `delivery.dropped`:
   * they were never acknowledged by `persisted()`. Default 100,000.
   */
  readonly maxUncommitted?: number;
  /**
   * The SQLite library. Left out: the `ATTESTA_SQLITE_DRIVER` environment
   * variable when set, else `"node:sqlite"` where the runtime has it (Node.js
   * 22.13+ and 24: nothing native to install; its ExperimentalWarning on
   * Node.js 22 is not printed), else `"better-sqlite3"` (an optional peer
   * dependency, ^12). Both read and write the same file format. Opening
   * fails with a SqliteStoreError (`driver_unavailable`) when the chosen
   * library does not load.
   */
  readonly driver?: SqliteDriverName;
  /**
   * When the whole file is checked for damage (SQLite's `quick_check`, which
   * reads every page: about a second per GB). Left out: files up to 32 MiB
   * in full at open, larger ones in the background. `"open"`: in full before
   * the store is used, however long that takes. `"background"`: the small
   * tables read at open before use, the whole file in a worker thread while
   * the dispatcher delivers; damage found there stops sending from the file
   * (logged, a `store.warning` operator event of kind `corrupt`,
   * `stats().store.integrity` `"corrupt"`). `"off"`: no check.
   */
  readonly integrityCheck?: IntegrityCheckMode;
}

/** Options of {@link SqliteStore.inspect}. */
export interface SqliteInspectOptions {
  /** The SQLite library, as in {@link SqliteStoreOptions.driver}. */
  readonly driver?: SqliteDriverName;
}

export interface ResolvedSqliteOptions {
  readonly path: string;
  readonly commit: "tick" | "enqueue";
  readonly synchronous: "normal" | "full";
  readonly retainDeliveredMs: number;
  readonly retainDeadMs: number;
  readonly pruneIntervalMs: number;
  readonly pruneBatchSize: number;
  readonly staleLockMs: number;
  readonly pollIntervalMs: number;
  readonly storeSecrets: boolean;
  readonly maxStoredPending: number;
  readonly warnFileBytes: number;
  readonly maxUncommitted: number;
  readonly driver: SqliteDriverName | undefined;
  readonly integrityCheck: IntegrityCheckMode | undefined;
}

/** Every key of {@link SqliteStoreOptions}; any other is refused. */
const OPTION_KEYS = [
  "path",
  "commit",
  "synchronous",
  "retention",
  "pruneIntervalMs",
  "pruneBatchSize",
  "staleLockMs",
  "pollIntervalMs",
  "storeSecrets",
  "maxStoredPending",
  "warnFileBytes",
  "maxUncommitted",
  "driver",
  "integrityCheck",
];

export function resolveSqliteOptions(options: SqliteStoreOptions): ResolvedSqliteOptions {
  if (options === null || typeof options !== "object")
    throw invalidOption("SqliteStore options", "an object", options, "pass { path }");
  assertKnownKeys(options, OPTION_KEYS, "new SqliteStore(options)");
  if (options.retention !== undefined) {
    if (options.retention === null || typeof options.retention !== "object")
      throw invalidOption(
        "SqliteStore retention",
        "an object",
        options.retention,
        "pass { delivered, dead } in ms",
      );
    assertKnownKeys(options.retention, ["delivered", "dead"], "new SqliteStore(options).retention");
  }
  const { path } = options;
  if (typeof path !== "string" || path.length === 0)
    throw invalidOption("SqliteStore path", "a file path", path, 'pass e.g. "./deliveries.db"');
  const choice = <T extends string>(
    at: string,
    value: T | undefined,
    allowed: T[],
    fallback: T,
  ) => {
    if (value === undefined) return fallback;
    if (!allowed.includes(value))
      throw invalidOption(
        at,
        allowed.map((a) => `"${a}"`).join(" or "),
        value,
        `use "${fallback}"`,
      );
    return value;
  };
  return {
    path,
    commit: choice("SqliteStore commit", options.commit, ["tick", "enqueue"], "tick"),
    synchronous: choice(
      "SqliteStore synchronous",
      options.synchronous,
      ["normal", "full"],
      "normal",
    ),
    retainDeliveredMs: duration("retention.delivered", options.retention?.delivered, 7 * DAY, 0),
    retainDeadMs: duration("retention.dead", options.retention?.dead, 30 * DAY, 0),
    pruneIntervalMs: duration("pruneIntervalMs", options.pruneIntervalMs, 60_000, 1),
    pruneBatchSize: duration("pruneBatchSize", options.pruneBatchSize, 1000, 1),
    staleLockMs: duration("staleLockMs", options.staleLockMs, 15_000, 1),
    pollIntervalMs: duration("pollIntervalMs", options.pollIntervalMs, 1000, 1),
    storeSecrets: flag("storeSecrets", options.storeSecrets),
    maxStoredPending: duration(
      "maxStoredPending",
      options.maxStoredPending,
      Number.POSITIVE_INFINITY,
      1,
    ),
    warnFileBytes: duration("warnFileBytes", options.warnFileBytes, 1024 ** 3, 0),
    maxUncommitted: duration("maxUncommitted", options.maxUncommitted, 100_000, 1),
    driver: checkDriverName("SqliteStore driver", options.driver),
    integrityCheck:
      options.integrityCheck === undefined
        ? undefined
        : choice<IntegrityCheckMode>(
            "SqliteStore integrityCheck",
            options.integrityCheck,
            ["open", "background", "off"],
            "background",
          ),
  };
}

export function resolveInspectOptions(options: SqliteInspectOptions | undefined): {
  readonly driver: SqliteDriverName | undefined;
} {
  if (options === undefined) return { driver: undefined };
  if (options === null || typeof options !== "object")
    throw invalidOption("SqliteStore.inspect options", "an object", options, "pass { driver }");
  const unknown = Object.keys(options).filter((key) => key !== "driver");
  if (unknown.length > 0)
    throw invalidOption(
      "SqliteStore.inspect options",
      "{ driver }",
      unknown.join(", "),
      "remove the unknown keys",
    );
  return { driver: checkDriverName("SqliteStore.inspect driver", options.driver) };
}

function flag(at: string, value: boolean | undefined): boolean {
  if (value === undefined) return false;
  if (typeof value !== "boolean")
    throw invalidOption(`SqliteStore ${at}`, "true or false", value, "pass true, or leave it out");
  return value;
}

function duration(at: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min)
    throw invalidOption(`SqliteStore ${at}`, `an integer ≥ ${min}`, value, `pass e.g. ${fallback}`);
  return value;
}
