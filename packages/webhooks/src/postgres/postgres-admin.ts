/**
 * The `DeliveryAdmin` of a PostgresStore schema read from any process: pages,
 * per-minute counts and health answered by SQL, and redeliveries as rows set
 * pending again, which the process that delivers each endpoint picks up on
 * its notification (or within its poll interval). Endpoint configs belong to
 * the dispatchers, so they are not changed from here.
 *
 * @module
 */
import { checkFilter, MAX_PAGE, pageLimit } from "../admin/admin-query";
import type { DeliveryAdmin } from "../admin/delivery-admin";
import { detachedCapabilities, refuseDetached } from "../admin/detached-source";
import { checkRange } from "../admin/record-health";
import { storedEndpoint } from "../admin/stored-endpoint";
import type { DeliveryRecord } from "../store/delivery-store";
import { minutesFromRows, pageFromRows, pageIds } from "./admin-pages";
import { endpointsSql, minutesSql, pageSql, redeliverSql, type Sql } from "./admin-sql";

/** What the inspector lends its admin. */
export interface PostgresAdminDeps {
  readonly schema: string;
  readonly channel: string;
  readonly attemptsOf: string;
  rows(what: string, sql: Sql): Promise<unknown[][]>;
  get(id: string): Promise<DeliveryRecord | undefined>;
  redeliver(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** Deliveries, newest first, whose attempts make up the endpoints' health (as for a SQLite file). */
const HEALTH_WINDOW = 10_000;

const CAPABILITIES = detachedCapabilities([
  "Read from a PostgreSQL schema: a redelivery sets the delivery pending again, and the process that delivers its endpoint sends it at once or within its poll interval.",
  "Endpoints cannot be enabled, disabled or given a new secret through the schema; do it in the running dispatcher.",
]);

export function createPostgresAdmin(schema: PostgresAdminDeps): DeliveryAdmin {
  const refuse = refuseDetached("a PostgreSQL schema");
  const redeliverMatching = async (filter: Parameters<DeliveryAdmin["retry"]>[0]) => {
    checkFilter(filter);
    if (filter.status === "pending") return 0;
    const [row] = await schema.rows(
      "redeliver deliveries",
      redeliverSql(schema.schema, filter, schema.channel),
    );
    return Number(row?.[0] ?? 0);
  };
  return {
    kind: "postgres",
    capabilities: CAPABILITIES,
    endpoints: async () =>
      (
        await schema.rows("read endpoints", endpointsSql(schema.schema, MAX_PAGE, HEALTH_WINDOW))
      ).map(([id, config, disabledReason, pending, attempts, failed, lastSuccess, code]) =>
        storedEndpoint(
          {
            id: String(id),
            config: (config ?? undefined) as Record<string, unknown> | undefined,
            disabledReason: disabledReason === null ? null : String(disabledReason),
            disabledCode: code === null || code === undefined ? null : String(code),
            pending: Number(pending),
          },
          {
            ...(attempts !== null && Number(attempts) > 0
              ? { failureRate: Number(failed) / Number(attempts) }
              : {}),
            ...(lastSuccess === null ? {} : { lastSuccessAt: Number(lastSuccess) }),
          },
        ),
      ),
    deliveries: async (query = {}) => {
      const limit = pageLimit(query);
      const rows = await schema.rows("list deliveries", pageSql(schema.schema, query, limit + 1));
      const ids = pageIds(rows, limit);
      const attempts =
        ids.length === 0
          ? []
          : await schema.rows("read attempts", { text: schema.attemptsOf, values: [ids] });
      return pageFromRows(rows, attempts, limit);
    },
    delivery: (id) => schema.get(id),
    redeliver: (id) => schema.redeliver(id),
    retry: (filter) => redeliverMatching(filter),
    recover: ({ since, endpoints }) =>
      redeliverMatching({
        status: "dead",
        since,
        ...(endpoints === undefined ? {} : { endpoints }),
      }),
    enableEndpoint: () => refuse("enableEndpoint"),
    disableEndpoint: () => refuse("disableEndpoint"),
    rotateSecret: () => refuse("rotateSecret"),
    stats: async (range) => {
      checkRange(range);
      const sql = minutesSql(schema.schema, range);
      return minutesFromRows(range, await schema.rows("count deliveries per minute", sql));
    },
    close: () => schema.close(),
  };
}
