/**
 * Assembles an open SqliteStore: the file, its owner lock, the reader and
 * writer, maintenance timers, and the id epoch of this process.
 *
 * @module
 */

import { SqliteStoreError } from "../errors";
import type { StoreContext } from "../store/delivery-store";
import { beginEpoch, type IdEpoch } from "./delivery-ids";
import { DeliveryReader } from "./delivery-reader";
import { chooseDriver } from "./driver/choose-driver";
import type { SqliteDatabase, SqliteDriverName } from "./driver/sqlite-driver";
import { EndpointTable } from "./endpoint-table";
import { FileIntegrity } from "./file-integrity";
import { FileSizeWatch } from "./file-size-watch";
import { planCheck } from "./integrity-check";
import { openDatabase, sqliteFailure } from "./open-database";
import { OwnerLock } from "./owner-lock";
import { Pruner } from "./pruner";
import type { ResolvedSqliteOptions } from "./sqlite-store-options";
import { type MaintenanceTasks, StoreMaintenance } from "./store-maintenance";
import { StoreWriter } from "./store-writer";

export const BUSY_TIMEOUT_MS = 5000;

export interface OpenSqliteStore {
  readonly db: SqliteDatabase;
  readonly context: StoreContext;
  readonly lock: OwnerLock;
  readonly writer: StoreWriter;
  readonly reader: DeliveryReader;
  readonly pruner: Pruner;
  readonly maintenance: StoreMaintenance;
  readonly endpoints: EndpointTable;
  /** Mints the ids of the deliveries this process writes. */
  readonly ids: IdEpoch;
  /** Warns once past `warnFileBytes`. */
  readonly sizeWatch: FileSizeWatch;
  /** The highest seq used in the file so far (rows this process writes come after it). */
  readonly lastSeq: number;
  /** What is known of the file's integrity; its background check starts with the store. */
  readonly integrity: FileIntegrity;
  /** The SQLite library the file was opened with (the background check uses it too). */
  readonly driver: SqliteDriverName;
}

/**
 * Opens and locks the file at `options.path`; throws SqliteStoreError (the
 * file closed again) when it cannot be opened, read or owned.
 */
export function openStore(
  options: ResolvedSqliteOptions,
  context: StoreContext,
  tasks: MaintenanceTasks,
): OpenSqliteStore {
  const plan = planCheck(options.path, options.integrityCheck);
  const db = openDatabase(options.path, {
    readonly: false,
    busyTimeoutMs: BUSY_TIMEOUT_MS,
    synchronous: options.synchronous,
    driver: options.driver,
    check: plan.atOpen,
  });
  try {
    const lock = new OwnerLock(db);
    lock.acquire(options.path, context.now(), options.staleLockMs);
    const reader = new DeliveryReader(db);
    // Above every seq ever used, even by rows pruned since: no id repeats.
    const lastSeq = Math.max(reader.maxSeq(), reader.epochs().lastFirstSeq);
    return {
      db,
      context,
      lock,
      writer: new StoreWriter(db, lock),
      reader,
      pruner: new Pruner(db, {
        deliveredMs: options.retainDeliveredMs,
        deadMs: options.retainDeadMs,
        batchSize: options.pruneBatchSize,
      }),
      maintenance: new StoreMaintenance(db, options, tasks),
      endpoints: new EndpointTable(db, lock),
      ids: db.transaction(() => beginEpoch(db, lastSeq + 1)).immediate(),
      sizeWatch: new FileSizeWatch(db, options.warnFileBytes),
      lastSeq,
      integrity: new FileIntegrity(plan.atOpen === "full", plan.background),
      driver: chooseDriver(options.path, options.driver).name,
    };
  } catch (error) {
    db.close();
    throw error instanceof SqliteStoreError ? error : sqliteFailure(options.path, error, "read");
  }
}
