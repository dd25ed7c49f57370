/**
 * The delivery source `attesta deliveries` and `attesta console` work on: a
 * SqliteStore file (`--db`), a PostgresStore schema (`--pg`) or BullMQ's
 * queues (`--redis`), each as the `DeliveryAdmin` the console reads too, so
 * both show the same deliveries in the same order (newest first).
 *
 * @module
 */
import type { DeliveryAdmin } from "@attesta/webhooks";
import { CliError, ioError, usageError } from "../cli-error";
import { ExitCode } from "../exit-codes";
import { openStoreFile } from "./open-store-file";

/** A source with the words messages use for it. */
export interface OpenedSource {
  readonly admin: DeliveryAdmin;
  /** Names the source: a path, a schema, a Redis address. */
  readonly label: string;
  /** Who sends the redeliveries it requests, for the recover summary. */
  readonly sender: string;
}

export interface SourceOptions {
  db?: string | undefined;
  pg?: string | undefined;
  schema?: string | undefined;
  redis?: string | undefined;
  prefix?: string | undefined;
}

/** Opens the one source the options name; the caller closes `admin`. */
export async function openSource(values: SourceOptions): Promise<OpenedSource> {
  const given = (["db", "pg", "redis"] as const).filter((key) => values[key] !== undefined);
  if (given.length > 1)
    throw usageError(
      `${given.map((key) => `--${key}`).join(" and ")} were ${given.length === 2 ? "both" : "all"} given.`,
      "pass one: --db for SqliteStore, --pg for PostgresStore, --redis for BullMQ.",
    );
  if (values.schema !== undefined && values.pg === undefined)
    throw usageError("--schema needs --pg.", "pass --pg <url> with it, or leave --schema out.");
  if (values.prefix !== undefined && values.redis === undefined)
    throw usageError(
      "--prefix needs --redis.",
      "pass --redis <url> with it, or leave --prefix out.",
    );
  if (values.pg !== undefined) return openPostgres(values.pg, values.schema ?? "attesta");
  if (values.redis !== undefined) return openRedis(values.redis, values.prefix);
  const inspector = await openStoreFile(values.db);
  return {
    admin: inspector.admin(),
    label: inspector.path,
    sender: `the dispatcher that owns ${inspector.path}`,
  };
}

async function openPostgres(url: string, schema: string): Promise<OpenedSource> {
  const postgres = await optional(
    () => import("@attesta/webhooks/postgres"),
    "a PostgresStore",
    "pg",
  );
  try {
    return {
      admin: postgres.PostgresStore.inspect(url, schema).admin(),
      label: `PostgreSQL schema "${schema}"`,
      sender: "the process that delivers each endpoint",
    };
  } catch (error) {
    throw usageError(
      (error as Error).message.replace(/^@attesta\/webhooks: /, ""),
      "pass --pg postgres://user@host:5432/db and --schema <name>.",
    );
  }
}

async function openRedis(url: string, prefix: string | undefined): Promise<OpenedSource> {
  const bullmq = await optional(
    () => import("@attesta/webhooks/bullmq"),
    "BullMQ's queues",
    "bullmq ioredis",
  );
  let queues: Awaited<ReturnType<typeof bullmq.WebhookQueues.discover>>;
  try {
    queues = await bullmq.WebhookQueues.discover({
      connection: url,
      connectTimeoutMs: 5000,
      ...(prefix === undefined ? {} : { prefix }),
    });
  } catch (error) {
    const reason = (error as Error).message.replace(/^@attesta\/webhooks\/bullmq: /, "");
    if (error instanceof bullmq.RedisConnectError)
      throw new CliError(`--redis: ${reason}`, ExitCode.Unreachable, { cause: error });
    throw usageError(reason, "pass --redis redis://host:6379 and the queues' --prefix.");
  }
  return {
    admin: queues.admin(),
    label: `the BullMQ queues under prefix "${prefix ?? "attesta"}"`,
    sender: "the workers",
  };
}

/** The SQL that creates or upgrades a PostgresStore schema, for `deliveries migrate --print`. */
export async function migrationSql(schema: string | undefined): Promise<string> {
  const postgres = await optional(
    () => import("@attesta/webhooks/postgres"),
    "a PostgresStore",
    "pg",
  );
  return postgres.migrationSql(schema ?? "attesta");
}

/** Imports a subpath whose optional peer dependencies may be missing. */
async function optional<T>(load: () => Promise<T>, what: string, packages: string): Promise<T> {
  try {
    return await load();
  } catch (error) {
    throw ioError(
      `reading ${what} needs ${packages.replace(" ", " and ")}, which is not installed.`,
      `install it next to @attesta/cli: npm install ${packages}.`,
      error,
    );
  }
}
