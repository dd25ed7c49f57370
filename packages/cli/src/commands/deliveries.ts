/**
 * `attesta deliveries list | show | redeliver | recover --db FILE | --pg URL | --redis URL`:
 * a SqliteStore file, a PostgresStore schema or BullMQ's queues, by hand; `migrate --print`
 * shows the PostgresStore SQL.
 *
 * @module
 */
import type { AdminDeliveryFilter, DeliveryAdmin, DeliveryRecord } from "@attesta/webhooks";
import { parseCommandArgs, parsePositiveInt } from "../args";
import { usageError } from "../cli-error";
import { type Command, EXIT_CODES_HELP } from "../command";
import { type DeliveryFilters, parseFilters } from "../deliveries/delivery-filters";
import {
  deliveryJson,
  disabledLines,
  formatDetails,
  formatTable,
} from "../deliveries/format-delivery";
import { migrationSql, type OpenedSource, openSource } from "../deliveries/open-admin";
import { progressLine } from "../deliveries/progress-line";
import { ExitCode } from "../exit-codes";
import type { Io } from "../io";

const help = `Usage: attesta deliveries <list|show|redeliver|recover> (--db <file> | --pg <url> | --redis <url>) [options]
       attesta deliveries migrate --print [--schema <name>]

Reads the deliveries of dispatchers that use SqliteStore (--db) or
PostgresStore (--pg, needs pg), or of BullMQ workers (--redis, needs bullmq
and ioredis), also while they run. --db needs nothing installed on Node.js
22.13+ and 24 (node:sqlite); on Node.js 20 it needs better-sqlite3
(npm install better-sqlite3@^12).
Redeliveries are requests written to the store: the dispatcher that owns the
file, or the process that delivers the endpoint, sends them within its poll
interval (1 s by default), or when it next starts; BullMQ's workers send them
as jobs.

Commands:
  list                 deliveries, newest first (--limit, default 50), as the
                       console shows them
  show <id>            one delivery: every attempt and the exact body
  redeliver <id>…      redeliver delivered or dead deliveries under their ids
  recover              redeliver every dead delivery the filters select,
                       with a progress line on stderr; --dry-run only counts
  migrate --print      print the SQL that creates or upgrades a PostgresStore
                       schema, for DBAs who apply migrations by hand

Options:
  --db <file>          the SqliteStore file
  --pg <url>           the PostgresStore database (postgres://user@host:5432/db)
  --schema <name>      the PostgresStore schema (default attesta)
  --redis <url>        the Redis of the BullMQ queues (redis://host:6379)
  --prefix <prefix>    the queues' BullMQ prefix (default attesta); every
                       endpoint queue under it is read
  --status <status>    list: pending, delivered or dead
  --endpoint <id>      only this endpoint's deliveries
  --event <event>      only this event (any case)
  --since <when>       created since a duration ago (30m, 2h, 1d) or an ISO date
  --limit <n>          list: at most n deliveries (default 50)
  --dry-run            recover: count what would be redelivered, request nothing
  --json               JSON instead of text (list: one object per line)
  -h, --help           show this help

Examples:
  attesta deliveries list --db webhooks.db --status dead --since 2h
  attesta deliveries show 0f8e4b1c-6d2a-4c57-9a43-3b1f2e7d9a10 --db webhooks.db
  attesta deliveries recover --db webhooks.db --endpoint billing --since 2025-06-15T14:00:00Z
  attesta deliveries list --pg postgres://app@db:5432/app --status dead
  attesta deliveries recover --redis redis://127.0.0.1:6379 --endpoint crm --since 1h
  attesta deliveries migrate --print --schema attesta > attesta-webhooks.sql

${EXIT_CODES_HELP}
redeliver exits 1 when an id is unknown or still pending; recover exits 0 even
when nothing matched.`;

const options = {
  db: { type: "string" },
  pg: { type: "string" },
  schema: { type: "string" },
  redis: { type: "string" },
  prefix: { type: "string" },
  print: { type: "boolean" },
  status: { type: "string" },
  endpoint: { type: "string" },
  event: { type: "string" },
  since: { type: "string" },
  limit: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];
type Inspector = OpenedSource;

/** The console's filter for the command line's. */
function adminFilter(filters: DeliveryFilters): AdminDeliveryFilter {
  return {
    ...(filters.status === undefined ? {} : { status: filters.status }),
    ...(filters.endpoint === undefined ? {} : { endpoints: [filters.endpoint] }),
    ...(filters.event === undefined ? {} : { event: filters.event }),
    ...(filters.since === undefined ? {} : { since: filters.since }),
  };
}

/** Up to `limit` matching deliveries, newest first, a page of at most 500 at a time. */
async function collect(
  admin: DeliveryAdmin,
  filter: AdminDeliveryFilter,
  limit: number,
): Promise<DeliveryRecord[]> {
  const records: DeliveryRecord[] = [];
  let cursor: string | undefined;
  while (records.length < limit) {
    const page = await admin.deliveries({
      ...filter,
      limit: Math.min(500, limit - records.length),
      ...(cursor === undefined ? {} : { cursor }),
    });
    records.push(...page.items);
    cursor = page.nextCursor;
    if (cursor === undefined || page.items.length === 0) break;
  }
  return records;
}

async function list(source: Inspector, values: Values, io: Io): Promise<number> {
  const limit = parsePositiveInt("limit", values.limit, 50);
  const records = await collect(source.admin, adminFilter(parseFilters(values)), limit);
  if (values.json) for (const record of records) io.out(JSON.stringify(deliveryJson(record)));
  else if (records.length === 0) io.out("no deliveries match");
  else {
    for (const line of formatTable(records, io.paint)) io.out(line);
    // A disabled endpoint keeps its deliveries pending: say why they wait.
    for (const line of disabledLines(await source.admin.endpoints(), records, io.paint))
      io.out(line);
  }
  return ExitCode.Ok;
}

async function show(source: Inspector, ids: string[], values: Values, io: Io): Promise<number> {
  if (ids.length !== 1) {
    throw usageError(
      `deliveries show takes one id; got ${ids.length}.`,
      "copy an id from attesta deliveries list.",
    );
  }
  const record = await source.admin.delivery(ids[0] ?? "");
  if (record === undefined) {
    throw usageError(
      `no delivery ${JSON.stringify(ids[0])} in ${source.label}.`,
      "copy an id from attesta deliveries list.",
    );
  }
  if (values.json) io.out(JSON.stringify(deliveryJson(record)));
  else for (const line of formatDetails(record, io.paint)) io.out(line);
  return ExitCode.Ok;
}

async function redeliver(
  source: Inspector,
  ids: string[],
  values: Values,
  io: Io,
): Promise<number> {
  if (ids.length === 0) {
    throw usageError(
      "deliveries redeliver needs at least one id.",
      "copy ids from attesta deliveries list --status dead.",
    );
  }
  let refused = 0;
  for (const id of ids) {
    const before: DeliveryRecord | undefined = await source.admin.delivery(id);
    const requested = before !== undefined && (await source.admin.redeliver(id));
    if (!requested) refused += 1;
    const why = before === undefined ? "unknown id" : `still ${before.status}`;
    if (values.json)
      io.out(JSON.stringify({ id, requested, ...(requested ? {} : { reason: why }) }));
    else
      io.out(
        requested
          ? `${io.paint.green("✓")} ${id}: redelivery requested`
          : `${io.paint.red("✗")} ${id}: not requested (${why})`,
      );
  }
  return refused === 0 ? ExitCode.Ok : ExitCode.Failed;
}

async function recover(source: Inspector, values: Values, io: Io): Promise<number> {
  const filters = { ...parseFilters({ ...values, status: undefined }), status: "dead" as const };
  const dead = await collect(source.admin, adminFilter(filters), Number.MAX_SAFE_INTEGER);
  let requested = 0;
  if (!values["dry-run"]) {
    const progress = progressLine(io.stderr, "requesting redelivery", dead.length);
    for (const [index, record] of dead.entries()) {
      progress.update(index);
      if (await source.admin.redeliver(record.id)) requested += 1;
    }
    progress.finish(dead.length);
  }
  const summary = values["dry-run"]
    ? `${dead.length} dead deliveries match; nothing requested (--dry-run)`
    : `redelivery requested for ${requested} of ${dead.length} dead deliveries; ${source.sender} sends them`;
  io.out(
    values.json
      ? JSON.stringify({ matched: dead.length, requested, dry_run: values["dry-run"] === true })
      : summary,
  );
  return ExitCode.Ok;
}

async function migrate(values: Values, io: Io): Promise<number> {
  if (values.print !== true) {
    throw usageError(
      "deliveries migrate only prints the SQL; PostgresStore applies it by itself when it opens.",
      "run attesta deliveries migrate --print, and apply the output with psql.",
    );
  }
  io.out((await migrationSql(values.schema)).trimEnd());
  return ExitCode.Ok;
}

export const deliveries: Command = {
  name: "deliveries",
  help,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("deliveries", argv, options, true);
    const [sub, ...ids] = positionals;
    const subcommands = ["list", "show", "redeliver", "recover", "migrate"];
    if (sub === undefined || !subcommands.includes(sub)) {
      throw usageError(
        sub === undefined
          ? "attesta deliveries needs a command."
          : `unknown deliveries command ${JSON.stringify(sub)}.`,
        `use one of ${subcommands.join(", ")}, e.g. attesta deliveries list --db webhooks.db.`,
      );
    }
    if (sub === "migrate") return migrate(values, io);
    if ((sub === "list" || sub === "recover") && ids.length > 0) {
      throw usageError(
        `deliveries ${sub} takes no ids; got ${ids.join(" ")}.`,
        "filter with --endpoint, --event, --since.",
      );
    }
    // Options are checked before the file is opened, so a typo is reported as one.
    parseFilters(values);
    parsePositiveInt("limit", values.limit, 50);
    const source = await openSource(values);
    try {
      if (sub === "list") return await list(source, values, io);
      if (sub === "show") return await show(source, ids, values, io);
      if (sub === "redeliver") return await redeliver(source, ids, values, io);
      return await recover(source, values, io);
    } finally {
      await source.admin.close();
    }
  },
};
