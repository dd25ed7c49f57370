/**
 * `get`, `list` and `redeliver` of a PostgresStore: answered by the database
 * (every process's deliveries), on the caller's stack, after this process's
 * buffered writes are committed.
 *
 * @module
 */

import { pageLimit } from "../admin/admin-query";
import type { AdminDeliveryPage, AdminDeliveryQuery, AdminMinute } from "../admin/delivery-page";
import { queryFailed } from "../errors";
import type { DeliveryQuery, DeliveryRecord } from "../store/delivery-store";
import { minutesFromRows, pageFromRows, pageIds } from "./admin-pages";
import { minutesSql, pageSql } from "./admin-sql";
import type { DatabaseThread } from "./database-thread";
import { attemptLogs, deliveryRecord } from "./delivery-rows";
import type { StoreQueries } from "./store-queries";

export class DeliveryReads {
  constructor(
    private readonly thread: DatabaseThread,
    private readonly queries: StoreQueries,
    private readonly schema: string,
  ) {}

  get(id: string): DeliveryRecord | undefined {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id))
      return undefined;
    const [rows = [], attempts = []] = this.run("read a delivery", [
      { text: this.queries.get, values: [id] },
      { text: this.queries.attemptsOf, values: [[id]] },
    ]);
    const row = rows[0];
    return row === undefined ? undefined : deliveryRecord(row, attemptLogs(attempts).get(id) ?? []);
  }

  list(query: DeliveryQuery = {}): DeliveryRecord[] {
    const since = query.since instanceof Date ? query.since.getTime() : query.since;
    const values = [
      query.status ?? null,
      query.endpoint ?? null,
      query.event ?? null,
      since ?? null,
      query.limit ?? 100,
    ];
    const [rows = []] = this.run("list deliveries", [{ text: this.queries.list, values }]);
    if (rows.length === 0) return [];
    const ids = rows.map((row) => String(row[0]));
    const [attempts = []] = this.run("read attempts", [
      { text: this.queries.attemptsOf, values: [ids] },
    ]);
    const logs = attemptLogs(attempts);
    return rows.map((row) => deliveryRecord(row, logs.get(String(row[0])) ?? []));
  }

  /**
   * Sets a settled delivery pending again; returns its row (`ENTRY_COLUMNS`,
   * endpoint id, holder), or undefined. It is held by `owner` when its
   * endpoint is one of `holdable` and the database agrees `owner` delivers it.
   */
  redeliver(id: string, now: number, owner: string, holdable: string[]): unknown[] | undefined {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined;
    const values = [id, now, this.queries.channel, owner, holdable];
    const [rows = []] = this.run("redeliver", [{ text: this.queries.redeliver, values }]);
    return rows[0];
  }

  /** Pending deliveries of the endpoint in every process. */
  pendingOf(endpointId: string): number {
    const pendingOf = { text: this.queries.pendingOf, values: [endpointId] };
    const [rows = []] = this.run("count pending deliveries", [pendingOf]);
    return Number(rows[0]?.[0] ?? 0);
  }

  /** One keyset page of every process's deliveries, newest first. */
  page(query: AdminDeliveryQuery): AdminDeliveryPage {
    const limit = pageLimit(query);
    const [rows = []] = this.run("list deliveries", [pageSql(this.schema, query, limit + 1)]);
    const ids = pageIds(rows, limit);
    const attemptsOf = { text: this.queries.attemptsOf, values: [ids] };
    const [attempts = []] = ids.length === 0 ? [] : this.run("read attempts", [attemptsOf]);
    return pageFromRows(rows, attempts, limit);
  }

  /** Delivered and failed per minute of the range, counted by the database. */
  minutes(range: { since: number; until: number }): AdminMinute[] {
    const [rows = []] = this.run("count deliveries per minute", [minutesSql(this.schema, range)]);
    return minutesFromRows(range, rows);
  }

  private run(what: string, steps: { text: string; values: unknown[] }[]): unknown[][][] {
    try {
      return this.thread.runSync(steps);
    } catch (error) {
      throw queryFailed(this.schema, what, error);
    }
  }
}
