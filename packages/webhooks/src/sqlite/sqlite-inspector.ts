/**
 * Read-only access to a SqliteStore file from another process, while its
 * dispatcher runs: WAL mode lets readers work next to the one writer.
 *
 * @module
 */
import type { DeliveryAdmin } from "../admin/delivery-admin";
import { SqliteStoreError, type StoreOwner } from "../errors";
import type { DeliveryQuery, DeliveryRecord, DeliveryStatus } from "../store/delivery-store";
import { DeliveryReader } from "./delivery-reader";
import type { SqliteDatabase, SqliteDriverName } from "./driver/sqlite-driver";
import { openDatabase, sqliteFailure } from "./open-database";
import { readOwner } from "./owner-lock";
import { createSqliteAdmin } from "./sqlite-admin";

/**
 * A read-only view of a SqliteStore file, from `SqliteStore.inspect(path)`.
 * Redeliveries are requests: the owning dispatcher carries them out within
 * its poll interval (default 1 s), or at its next start when none runs.
 *
 * @example
 * ```ts
 * import { SqliteStore } from "@attesta/webhooks/sqlite";
 *
 * const file = SqliteStore.inspect("./webhooks.db");
 * for (const d of file.list({ status: "dead", limit: 20 })) console.log(d.id, d.deadReason);
 * file.requestRedelivery(id);
 * file.close();
 * ```
 */
export class SqliteInspector {
  readonly path: string;
  private readonly db: SqliteDatabase;
  private readonly reader: DeliveryReader;
  private readonly busyTimeoutMs: number;
  private readonly driver: SqliteDriverName | undefined;

  constructor(path: string, busyTimeoutMs: number, driver?: SqliteDriverName) {
    this.path = path;
    this.busyTimeoutMs = busyTimeoutMs;
    this.driver = driver;
    this.db = openDatabase(path, { readonly: true, busyTimeoutMs, driver });
    this.reader = new DeliveryReader(this.db);
  }

  get(id: string): DeliveryRecord | undefined {
    return this.read(() => this.reader.get(id));
  }

  /** Matching deliveries, oldest first; `limit` defaults to 100. */
  list(query?: DeliveryQuery): DeliveryRecord[] {
    return this.read(() => this.reader.list(query));
  }

  /** Deliveries per status. */
  counts(): Record<DeliveryStatus, number> {
    return this.read(() => this.reader.counts());
  }

  /** The dispatcher that owns the file, if one is open (or was killed without closing it). */
  owner(): StoreOwner | undefined {
    return this.read(() => readOwner(this.db));
  }

  /**
   * Asks the owning dispatcher to redeliver a delivered or dead delivery
   * under its id. Returns false, asking nothing, when the id is unknown or the
   * delivery is still pending.
   */
  requestRedelivery(id: string): boolean {
    const row = this.read(() => this.reader.row(id));
    if (row === undefined || row.status === "pending") return false;
    return this.request([id]) === 1;
  }

  /**
   * The operator's interface to this file (see `DeliveryAdmin`): reads, and
   * redeliveries as requests; closing it closes the inspector.
   *
   * @example
   * ```ts
   * const admin = SqliteStore.inspect("./webhooks.db").admin();
   * const { items } = await admin.deliveries({ status: "dead" });
   * ```
   */
  admin(): DeliveryAdmin {
    return createSqliteAdmin({
      db: this.db,
      reader: this.reader,
      read: (read) => this.read(read),
      requestRedeliveries: (ids) => (ids.length === 0 ? 0 : this.request(ids)),
      close: () => this.close(),
    });
  }

  /** Writes one redelivery request per id, in one transaction, and returns how many. */
  private request(ids: readonly string[]): number {
    let writer: SqliteDatabase | undefined;
    try {
      writer = openDatabase(this.path, {
        readonly: false,
        fileMustExist: true,
        busyTimeoutMs: this.busyTimeoutMs,
        driver: this.driver,
      });
      const insert = writer.prepare(
        "INSERT INTO requests (kind, delivery_id, requested_at) VALUES ('redeliver', ?, ?)",
      );
      const now = Date.now();
      writer.transaction(() => {
        for (const id of ids) insert.run(id, now);
      })();
    } catch (error) {
      if (error instanceof SqliteStoreError) throw error;
      throw sqliteFailure(this.path, error, "write a redelivery request to");
    } finally {
      writer?.close();
    }
    return ids.length;
  }

  close(): void {
    this.db.close();
  }

  private read<T>(read: () => T): T {
    try {
      return read();
    } catch (error) {
      throw error instanceof SqliteStoreError
        ? error
        : sqliteFailure(this.path, error, "read", true);
    }
  }
}
