/**
 * `attesta deliveries list | show | redeliver | recover --db FILE`: a SqliteStore file, by hand.
 *
 * @module
 */
import type { DeliveryRecord } from "@attesta/webhooks";
import { parseCommandArgs, parsePositiveInt } from "../args";
import { usageError } from "../cli-error";
import { type Command, EXIT_CODES_HELP } from "../command";
import { parseFilters } from "../deliveries/delivery-filters";
import { deliveryJson, formatDetails, formatTable } from "../deliveries/format-delivery";
import { openStoreFile } from "../deliveries/open-store-file";
import { progressLine } from "../deliveries/progress-line";
import { ExitCode } from "../exit-codes";
import type { Io } from "../io";

const help = `Usage: attesta deliveries <list|show|redeliver|recover> --db <file> [options]

Reads the delivery store file of a dispatcher that uses SqliteStore, also while
that dispatcher runs. Redeliveries are requests written to the file: the
dispatcher that owns it sends them within its poll interval (1 s by default),
or when it next starts. Needs better-sqlite3 installed.

Commands:
  list                 deliveries, oldest first (--limit, default 50)
  show <id>            one delivery: every attempt and the exact body
  redeliver <id>…      redeliver delivered or dead deliveries under their ids
  recover              redeliver every dead delivery the filters select,
                       with a progress line on stderr; --dry-run only counts

Options:
  --db <file>          the SqliteStore file (required)
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

${EXIT_CODES_HELP}
redeliver exits 1 when an id is unknown or still pending; recover exits 0 even
when nothing matched.`;

const options = {
  db: { type: "string" },
  status: { type: "string" },
  endpoint: { type: "string" },
  event: { type: "string" },
  since: { type: "string" },
  limit: { type: "string" },
  "dry-run": { type: "boolean" },
  json: { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];
type Inspector = Awaited<ReturnType<typeof openStoreFile>>;

function list(inspector: Inspector, values: Values, io: Io): number {
  const limit = parsePositiveInt("limit", values.limit, 50);
  const records = inspector.list({ ...parseFilters(values), limit });
  if (values.json) for (const record of records) io.out(JSON.stringify(deliveryJson(record)));
  else if (records.length === 0) io.out("no deliveries match");
  else for (const line of formatTable(records, io.paint)) io.out(line);
  return ExitCode.Ok;
}

function show(inspector: Inspector, ids: string[], values: Values, io: Io): number {
  if (ids.length !== 1) {
    throw usageError(
      `deliveries show takes one id; got ${ids.length}.`,
      "copy an id from attesta deliveries list.",
    );
  }
  const record = inspector.get(ids[0] ?? "");
  if (record === undefined) {
    throw usageError(
      `no delivery ${JSON.stringify(ids[0])} in ${inspector.path}.`,
      "copy an id from attesta deliveries list.",
    );
  }
  if (values.json) io.out(JSON.stringify(deliveryJson(record)));
  else for (const line of formatDetails(record, io.paint)) io.out(line);
  return ExitCode.Ok;
}

function redeliver(inspector: Inspector, ids: string[], values: Values, io: Io): number {
  if (ids.length === 0) {
    throw usageError(
      "deliveries redeliver needs at least one id.",
      "copy ids from attesta deliveries list --status dead.",
    );
  }
  let refused = 0;
  for (const id of ids) {
    const before: DeliveryRecord | undefined = inspector.get(id);
    const requested = inspector.requestRedelivery(id);
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

function recover(inspector: Inspector, values: Values, io: Io): number {
  const filters = { ...parseFilters({ ...values, status: undefined }), status: "dead" as const };
  const dead = inspector.list({ ...filters, limit: Number.MAX_SAFE_INTEGER });
  let requested = 0;
  if (!values["dry-run"]) {
    const progress = progressLine(io.stderr, "requesting redelivery", dead.length);
    for (const [index, record] of dead.entries()) {
      progress.update(index);
      if (inspector.requestRedelivery(record.id)) requested += 1;
    }
    progress.finish(dead.length);
  }
  const summary = values["dry-run"]
    ? `${dead.length} dead deliveries match; nothing requested (--dry-run)`
    : `redelivery requested for ${requested} of ${dead.length} dead deliveries; the dispatcher that owns ${inspector.path} sends them`;
  io.out(
    values.json
      ? JSON.stringify({ matched: dead.length, requested, dry_run: values["dry-run"] === true })
      : summary,
  );
  return ExitCode.Ok;
}

export const deliveries: Command = {
  name: "deliveries",
  help,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("deliveries", argv, options, true);
    const [sub, ...ids] = positionals;
    const subcommands = ["list", "show", "redeliver", "recover"];
    if (sub === undefined || !subcommands.includes(sub)) {
      throw usageError(
        sub === undefined
          ? "attesta deliveries needs a command."
          : `unknown deliveries command ${JSON.stringify(sub)}.`,
        `use one of ${subcommands.join(", ")}, e.g. attesta deliveries list --db webhooks.db.`,
      );
    }
    if ((sub === "list" || sub === "recover") && ids.length > 0) {
      throw usageError(
        `deliveries ${sub} takes no ids; got ${ids.join(" ")}.`,
        "filter with --endpoint, --event, --since.",
      );
    }
    // Options are checked before the file is opened, so a typo is reported as one.
    parseFilters(values);
    parsePositiveInt("limit", values.limit, 50);
    const inspector = await openStoreFile(values.db);
    try {
      if (sub === "list") return list(inspector, values, io);
      if (sub === "show") return show(inspector, ids, values, io);
      if (sub === "redeliver") return redeliver(inspector, ids, values, io);
      return recover(inspector, values, io);
    } finally {
      inspector.close();
    }
  },
};
