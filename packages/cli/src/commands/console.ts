/**
 * `attesta console --db FILE`: the delivery console over a SqliteStore file,
 * on loopback, behind a token.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import { createConsole, nodeListener } from "@attesta/console";
import { parseCommandArgs, parsePort } from "../args";
import { usageError } from "../cli-error";
import { type Command, EXIT_CODES_HELP } from "../command";
import { openStoreFile } from "../deliveries/open-store-file";
import { ExitCode } from "../exit-codes";
import { startServer } from "../start-server";

const help = `Usage: attesta console --db <file> [--port 4010] [--host 127.0.0.1] [--token <t>]

Serves the delivery console (web UI and JSON API) over a SqliteStore file, also
while its dispatcher runs. Redeliveries are requests the dispatcher that owns
the file carries out within its poll interval. Needs nothing installed on
Node.js 22.13+ and 24 (node:sqlite); on Node.js 20 it needs better-sqlite3
(npm install better-sqlite3@^12).

Options:
  --db <file>          the SqliteStore file (required)
  --port <port>        port to listen on (default 4010; 0 picks a free one)
  --host <host>        address to bind (default 127.0.0.1, loopback only)
  --token <token>      the operator token, at least 16 characters (default: a
                       new random one, printed once; also $ATTESTA_CONSOLE_TOKEN)
  -h, --help           show this help

Example:
  attesta console --db webhooks.db

${EXIT_CODES_HELP}`;

const options = {
  db: { type: "string" },
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
    const inspector = await openStoreFile(values.db);
    const source = inspector.admin();
    const server = createServer(nodeListener(createConsole({ source, operatorToken: token })));
    try {
      const address = await startServer(server, port, host);
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      const url = `http://${shownHost}:${address.port}/`;
      io.out(`${io.paint.bold("attesta console")} on ${url} for ${values.db}`);
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
