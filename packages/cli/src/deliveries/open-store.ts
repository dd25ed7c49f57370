/**
 * The store `attesta deliveries` reads: a SqliteStore file (`--db`) or a
 * PostgresStore schema (`--pg`), behind one async face.
 *
 * @module
 */
import type { DeliveryQuery, DeliveryRecord } from "@attesta/webhooks";
import { ioError, usageError } from "../cli-error";
import { openStoreFile } from "./open-store-file";

/** What the deliveries commands need of a store; `label` names it in messages. */
export interface StoreReader {
  readonly label: string;
  /** Who sends the redeliveries it requests, for the recover summary. */
  readonly sender: string;
  get(id: string): Promise<DeliveryRecord | undefined>;
  list(query: DeliveryQuery): Promise<DeliveryRecord[]>;
  requestRedelivery(id: string): Promise<boolean>;
  close(): Promise<void>;
}

export async function openStore(values: {
  db?: string | undefined;
  pg?: string | undefined;
  schema?: string | undefined;
}): Promise<StoreReader> {
  if (values.db !== undefined && values.pg !== undefined)
    throw usageError(
      "--db and --pg were both given.",
      "pass one: --db for SqliteStore, --pg for PostgresStore.",
    );
  if (values.pg === undefined) {
    const inspector = await openStoreFile(values.db);
    return {
      label: inspector.path,
      sender: `the dispatcher that owns ${inspector.path}`,
      get: async (id) => inspector.get(id),
      list: async (query) => inspector.list(query),
      requestRedelivery: async (id) => inspector.requestRedelivery(id),
      close: async () => inspector.close(),
    };
  }
  const schema = values.schema ?? "attesta";
  const postgres = await importPostgres();
  let inspector: ReturnType<typeof postgres.PostgresStore.inspect>;
  try {
    inspector = postgres.PostgresStore.inspect(values.pg, schema);
  } catch (error) {
    throw usageError(
      (error as Error).message.replace(/^@attesta\/webhooks: /, ""),
      "pass --pg postgres://user@host:5432/db and --schema <name>.",
    );
  }
  return {
    label: `PostgreSQL schema "${schema}"`,
    sender: "the process that delivers each endpoint",
    get: (id) => inspector.get(id),
    list: (query) => inspector.list(query),
    requestRedelivery: (id) => inspector.requestRedelivery(id),
    close: () => inspector.close(),
  };
}

/** The SQL that creates or upgrades a PostgresStore schema, for `deliveries migrate --print`. */
export async function migrationSql(schema: string | undefined): Promise<string> {
  return (await importPostgres()).migrationSql(schema ?? "attesta");
}

async function importPostgres(): Promise<typeof import("@attesta/webhooks/postgres")> {
  try {
    return await import("@attesta/webhooks/postgres");
  } catch (error) {
    throw ioError(
      "reading a PostgresStore needs pg, which is not installed.",
      "install it next to @attesta/cli: npm install pg.",
      error,
    );
  }
}
