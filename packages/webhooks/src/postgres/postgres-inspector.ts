/**
 * Reads a PostgresStore's schema from any process, with no dispatcher (the
 * CLI, a dashboard): list and get deliveries, and redeliver. A redelivery is
 * the row set pending again plus a notification; the process that delivers
 * the endpoint pages it in at once, or within its poll interval.
 *
 * @module
 */
import pg from "pg";
import type { DeliveryAdmin } from "../admin/delivery-admin";
import { queryFailed } from "../errors";
import type { DeliveryQuery, DeliveryRecord, DeliveryStatus } from "../store/delivery-store";
import { attemptLogs, deliveryRecord } from "./delivery-rows";
import { createPostgresAdmin } from "./postgres-admin";
import { type StoreQueries, storeQueries } from "./store-queries";

export class PostgresInspector {
  private readonly pool: pg.Pool;
  private readonly ownPool: boolean;
  private readonly queries: StoreQueries;

  constructor(
    connection: string | pg.Pool,
    readonly schema: string,
  ) {
    this.ownPool = typeof connection === "string";
    this.pool =
      typeof connection === "string"
        ? new pg.Pool({ connectionString: connection, max: 2, connectionTimeoutMillis: 5000 })
        : connection;
    this.queries = storeQueries(schema);
  }

  async get(id: string): Promise<DeliveryRecord | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const [row] = await this.rows("read a delivery", this.queries.get, [id]);
    if (row === undefined) return undefined;
    const attempts = await this.rows("read attempts", this.queries.attemptsOf, [[id]]);
    return deliveryRecord(row, attemptLogs(attempts).get(id) ?? []);
  }

  /** Matching deliveries of every process, oldest first (default limit 100). */
  async list(query: DeliveryQuery = {}): Promise<DeliveryRecord[]> {
    const since = query.since instanceof Date ? query.since.getTime() : query.since;
    const rows = await this.rows("list deliveries", this.queries.list, [
      query.status ?? null,
      query.endpoint ?? null,
      query.event ?? null,
      since ?? null,
      query.limit ?? 100,
    ]);
    if (rows.length === 0) return [];
    const ids = rows.map((row) => String(row[0]));
    const logs = attemptLogs(await this.rows("read attempts", this.queries.attemptsOf, [ids]));
    return rows.map((row) => deliveryRecord(row, logs.get(String(row[0])) ?? []));
  }

  /** Sets a delivered or dead delivery pending again under its id; false when unknown or pending. */
  async requestRedelivery(id: string): Promise<boolean> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
    // Held by no process: the endpoint's owner pages it in when notified.
    const rows = await this.rows("redeliver", this.queries.redeliver, [
      id,
      Date.now(),
      this.queries.channel,
      null,
      [],
    ]);
    return rows.length > 0;
  }

  async counts(): Promise<Record<DeliveryStatus, number>> {
    const rows = await this.rows(
      "count deliveries",
      `SELECT status, count(*) FROM "${this.schema}".deliveries GROUP BY status`,
      [],
    );
    const counts: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, dead: 0 };
    for (const [status, count] of rows) counts[status as DeliveryStatus] = Number(count);
    return counts;
  }

  /**
   * The operator's interface to this schema (see `DeliveryAdmin`): newest-first
   * pages, per-minute counts and redeliveries answered by SQL; closing it
   * closes the inspector.
   *
   * @example
   * ```ts
   * const admin = PostgresStore.inspect(process.env.DATABASE_URL).admin();
   * const { items } = await admin.deliveries({ status: "dead" });
   * ```
   */
  admin(): DeliveryAdmin {
    return createPostgresAdmin({
      schema: this.schema,
      channel: this.queries.channel,
      attemptsOf: this.queries.attemptsOf,
      rows: (what, sql) => this.rows(what, sql.text, sql.values),
      get: (id) => this.get(id),
      redeliver: (id) => this.requestRedelivery(id),
      close: () => this.close(),
    });
  }

  /** Ends the connections it opened (a pool it was given stays open). */
  async close(): Promise<void> {
    if (this.ownPool) await this.pool.end();
  }

  private async rows(what: string, text: string, values: unknown[]): Promise<unknown[][]> {
    try {
      const result = await this.pool.query({ text, values, rowMode: "array" });
      return result.rows as unknown[][];
    } catch (error) {
      throw queryFailed(this.schema, what, error);
    }
  }
}
