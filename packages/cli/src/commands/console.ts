/**
 * `attesta console --db FILE | --pg URL | --redis URL`: the delivery console
 * over a SqliteStore file, a PostgresStore schema or BullMQ's queues, on
 * loopback, behind a token.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { createConsole, nodeListener } from "@attesta/console";
import { parseCommandArgs, parsePort } from "../args";
import { usageError } from "../cli-error";
import { type Command, EXIT_CODES_HELP } from "../command";
import { openSource } from "../deliveries/open-admin";
import { ExitCode } from "../exit-codes";
import { startServer } from "../start-server";

const help = `Usage: attesta console (--db <file> | --pg <url> | --redis <url>) [--port 4010]
                       [--host 127.0.0.1] [--token <t>]

Serves the delivery console (web UI and JSON API) over the deliveries of
running dispatchers: a SqliteStore file (--db), a PostgresStore schema (--pg,
needs pg) or BullMQ's queues (--redis, needs bullmq and ioredis). Redeliveries
are requests: the dispatcher that owns the file, the process that delivers
the endpoint, or the workers carry them out. --db needs nothing installed on
Node.js 22.13+ and 24 (node:sqlite); on Node.js 20 it needs better-sqlite3
(npm install better-sqlite3@^12).

Options:
  --db <file>          the SqliteStore file
  --pg <url>           the PostgresStore database (postgres://user@host:5432/db)
  --schema <name>      the PostgresStore schema (default attesta)
  --redis <url>        the Redis of the BullMQ queues (redis://host:6379); the
                       console finds every endpoint queue under the prefix
  --prefix <prefix>    the queues' key prefix (default attesta)
  --port <port>        port to listen on (default 4010; 0 picks a free one)
  --host <host>        address to bind (default 127.0.0.1, loopback only)
  --token <token>      the operator token, at least 16 characters (default: a
                       new random one, printed once; also $ATTESTA_CONSOLE_TOKEN)
  -h, --help           show this help

Examples:
  attesta console --db webhooks.db
  attesta console --pg postgres://app@db:5432/app --schema attesta
  attesta console --redis redis://127.0.0.1:6379

${EXIT_CODES_HELP}`;

const options = {
  db: { type: "string" },
  pg: { type: "string" },
  schema: { type: "string" },
  redis: { type: "string" },
  prefix: { type: "string" },
  port: { type: "string" },
  host: { type: "string" },
  token: { type: "string" },
} as const;

export const consoleCommand: Command = {
  name: "console",
  help,
  async run(argv, io) {
    const { values } = parseCommandArgs("console", argv, options);
    const port = parsePort(values.port, 4010);
    const host = values.host ?? "127.0.0.1";
    const given = values.token ?? io.env.ATTESTA_CONSOLE_TOKEN;
    if (given !== undefined && given.length < 16)
      throw usageError(
        "--token must be at least 16 characters.",
        "pass a longer token, or leave it out to get a random one.",
      );
    const token = given ?? randomBytes(24).toString("base64url");
    const { admin: source, label } = await openSource(values);
    const server = createServer(nodeListener(createConsole({ source, operatorToken: token })));
    try {
      const address = await startServer(server, port, host);
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      const url = `http://${shownHost}:${address.port}/`;
      io.out(`${io.paint.bold("attesta console")} on ${url} for ${label}`);
      io.out(
        given === undefined ? `  open ${url}#token=${token}` : `  open ${url} and enter your token`,
      );
      if (host !== "127.0.0.1" && host !== "::1" && host !== "localhost")
        io.err(
          `  warning: bound to ${host}, not loopback: anyone who can reach it and has the token can redeliver.`,
        );
      io.out(io.paint.dim("  Ctrl-C to stop"));
      await new Promise<void>((resolve) => {
        process.once("SIGINT", resolve).once("SIGTERM", resolve);
      });
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return ExitCode.Ok;
    } finally {
      await source.close();
    }
  },
};
