/**
 * The `DeliveryAdmin` of a SqliteStore file read from another process: reads
 * come from the file, and redeliveries are requests that the dispatcher owning
 * the file carries out. Endpoint state belongs to that dispatcher, so it
 * cannot be changed from here.
 *
 * @module
 */
import { checkFilter } from "../admin/admin-query";
import type { DeliveryAdmin } from "../admin/delivery-admin";
import { detachedCapabilities, refuseDetached } from "../admin/detached-source";
import { checkRange } from "../admin/record-health";
import type { DeliveryQuery } from "../store/delivery-store";
import type { DeliveryReader } from "./delivery-reader";
import type { SqliteDatabase } from "./driver/sqlite-driver";
import { fileEndpoints } from "./file-endpoints";

/** What the inspector lends its admin. */
export interface InspectedFile {
  readonly db: SqliteDatabase;
  readonly reader: DeliveryReader;
  read<T>(read: () => T): T;
  requestRedeliveries(ids: readonly string[]): number;
  close(): void;
}

const CAPABILITIES = detachedCapabilities([
  "Read from a SQLite file: redeliveries are requests that the dispatcher owning the file carries out within its poll interval (or at its next start).",
  "Endpoints cannot be enabled, disabled or given a new secret through the file; do it in the running dispatcher.",
]);

export function createSqliteAdmin(file: InspectedFile): DeliveryAdmin {
  const refuse = refuseDetached("a SQLite file");
  const settled = (filter: Parameters<DeliveryAdmin["retry"]>[0]): string[] => {
    checkFilter(filter);
    const ids: string[] = [];
    const status = filter.status ?? "dead";
    if (status === "pending") return ids;
    for (const endpoint of filter.endpoints ?? [undefined]) {
      const query: DeliveryQuery = {
        status,
        limit: Number.MAX_SAFE_INTEGER,
        ...(endpoint === undefined ? {} : { endpoint }),
        ...(filter.event === undefined ? {} : { event: filter.event }),
        ...(filter.since === undefined ? {} : { since: filter.since }),
      };
      for (const record of file.read(() => file.reader.list(query)))
        if (filter.until === undefined || record.createdAt < filter.until) ids.push(record.id);
    }
    return ids;
  };
  return {
    kind: "sqlite",
    capabilities: CAPABILITIES,
    endpoints: async () => file.read(() => fileEndpoints(file.db)),
    deliveries: async (query = {}) => file.read(() => file.reader.page(query)),
    delivery: async (id) => file.read(() => file.reader.get(id)),
    redeliver: async (id) => {
      const record = await file.read(() => file.reader.get(id));
      return (
        record !== undefined && record.status !== "pending" && file.requestRedeliveries([id]) === 1
      );
    },
    retry: async (filter) => file.requestRedeliveries(settled(filter)),
    recover: async ({ since, endpoints }) =>
      file.requestRedeliveries(
        settled({ status: "dead", since, ...(endpoints === undefined ? {} : { endpoints }) }),
      ),
    enableEndpoint: () => refuse("enableEndpoint"),
    disableEndpoint: () => refuse("disableEndpoint"),
    rotateSecret: () => refuse("rotateSecret"),
    stats: async (range) => {
      checkRange(range);
      return file.read(() => file.reader.minutes(range));
    },
    close: async () => file.close(),
  };
}
