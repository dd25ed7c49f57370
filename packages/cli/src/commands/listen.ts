/**
 * `attesta listen`: a local receiver that verifies and reports every delivery.
 *
 * @module
 */
import { appendFileSync } from "node:fs";
import {
  parseCommandArgs,
  parseHttpUrl,
  parsePort,
  parsePositiveInt,
  resolveSecrets,
} from "../args";
import { ioError } from "../cli-error";
import { type Command, EXIT_CODES_HELP } from "../command";
import { ExitCode } from "../exit-codes";
import type { Io } from "../io";
import type { DeliveryRecord } from "../listen/delivery-record";
import { formatDeliveryLine } from "../listen/format-line";
import { createReceiver } from "../listen/receiver";
import { type CheckScheme, parseCheckScheme } from "../scheme";
import { startServer } from "../start-server";

const help = `Usage: attesta listen --secret <secret>… [options]

Receives webhooks on 127.0.0.1, verifies each one with the secret(s), and prints
one line per delivery: time, event, verdict (with the reason when refused) and
size. Verified deliveries are answered 204, or forwarded to --forward-to with
their headers and exact body (the app's answer goes back to the sender);
refused ones are answered 401 with the reason. Any path is accepted.

Options:
  --secret <secret>       the receiver's secret; repeat for rotation (default: $ATTESTA_WEBHOOK_SECRET)
  --port <port>           port to listen on (default: 3000; 0 picks a free one)
  --host <host>           address to bind (default: 127.0.0.1)
  --forward-to <url>      POST verified deliveries on to this URL
  --jsonl <file>          append every request (headers, body, verdict) to this file;
                          attesta verify --from <file> re-checks one later
  --count <n>             stop after n deliveries; exit 1 if any was refused
  --scheme <scheme>       attesta (default): X-Attesta-Signature; standard-webhooks:
                          webhook-id, webhook-timestamp, webhook-signature; both; any
  --tolerance <sec>       Standard Webhooks timestamp window (default: 300)
  --json                  print one JSON object per line instead of text
  -h, --help              show this help

Example:
  attesta listen --secret "$ATTESTA_WEBHOOK_SECRET" --jsonl deliveries.jsonl \\
    --forward-to http://127.0.0.1:8080/webhooks/attesta

Stop it with Ctrl-C (exit 0).
${EXIT_CODES_HELP}`;

const options = {
  secret: { type: "string", multiple: true },
  port: { type: "string" },
  host: { type: "string" },
  "forward-to": { type: "string" },
  jsonl: { type: "string" },
  count: { type: "string" },
  scheme: { type: "string" },
  tolerance: { type: "string" },
  json: { type: "boolean" },
} as const;

const SCHEME_NAMES: Record<CheckScheme, string> = {
  attesta: "X-Attesta-Signature",
  "standard-webhooks": "the Standard Webhooks headers",
  both: "X-Attesta-Signature and the Standard Webhooks headers",
  any: "X-Attesta-Signature or the Standard Webhooks headers",
};

function checkWritable(path: string): void {
  try {
    appendFileSync(path, "");
  } catch (error) {
    throw ioError(
      `--jsonl ${path}: cannot append to the file (${(error as NodeJS.ErrnoException).code ?? "error"}).`,
      "pass a path in a directory that exists and that you can write to.",
      error,
    );
  }
}

function printBanner(io: Io, url: string, json: boolean, notes: string[]): void {
  if (json) {
    io.out(JSON.stringify({ type: "listening", url }));
    return;
  }
  io.out(`${io.paint.bold("attesta listen")} on ${url} (any path)`);
  for (const note of notes) io.out(io.paint.dim(`  ${note}`));
}

export const listen: Command = {
  name: "listen",
  help,
  async run(argv, io) {
    const { values } = parseCommandArgs("listen", argv, options);
    const scheme = parseCheckScheme(values.scheme);
    const toleranceSec = parsePositiveInt("tolerance", values.tolerance, 300);
    const secrets = resolveSecrets("listen", values.secret, io.env);
    const port = parsePort(values.port, 3000);
    const host = values.host ?? "127.0.0.1";
    const forwardTo =
      values["forward-to"] === undefined
        ? undefined
        : parseHttpUrl("forward-to", values["forward-to"]);
    const count =
      values.count === undefined ? undefined : parsePositiveInt("count", values.count, 1);
    const jsonl = values.jsonl;
    if (jsonl !== undefined) checkWritable(jsonl);

    const tally = { received: 0, verified: 0 };
    let stop: (code: number) => void = () => {};
    const stopped = new Promise<number>((resolve) => {
      stop = resolve;
    });
    const onDelivery = (record: DeliveryRecord) => {
      tally.received += 1;
      if (record.verified) tally.verified += 1;
      if (jsonl !== undefined) appendFileSync(jsonl, `${JSON.stringify(record)}\n`);
      io.out(values.json ? JSON.stringify(record) : formatDeliveryLine(record, io.paint));
      if (count !== undefined && tally.received >= count)
        stop(tally.verified === tally.received ? ExitCode.Ok : ExitCode.Failed);
    };
    const server = createReceiver({
      secrets,
      scheme,
      toleranceSec,
      ...(forwardTo ? { forwardTo } : {}),
      forwardTimeoutMs: 10_000,
      maxBodyBytes: 1024 * 1024,
      onDelivery,
    });
    const address = await startServer(server, port, host);
    const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
    printBanner(io, `http://${shownHost}:${address.port}`, values.json === true, [
      `checking ${SCHEME_NAMES[scheme]} with ${secrets.length} secret${secrets.length > 1 ? "s" : ""}`,
      ...(forwardTo ? [`forwarding verified deliveries to ${forwardTo.href}`] : []),
      ...(jsonl ? [`appending every request to ${jsonl}`] : []),
      count
        ? `stopping after ${count} ${count === 1 ? "delivery" : "deliveries"}`
        : "Ctrl-C to stop",
    ]);
    const onSignal = () => stop(ExitCode.Ok);
    process.once("SIGINT", onSignal).once("SIGTERM", onSignal);
    const code = await stopped;
    process.off("SIGINT", onSignal).off("SIGTERM", onSignal);
    // Let the last answer reach its sender, then drop idle keep-alive connections.
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      setImmediate(() => server.closeIdleConnections());
    });
    const summary = {
      type: "summary",
      received: tally.received,
      verified: tally.verified,
      refused: tally.received - tally.verified,
    };
    io.out(
      values.json
        ? JSON.stringify(summary)
        : io.paint.dim(
            `${summary.received} received: ${summary.verified} verified, ${summary.refused} refused`,
          ),
    );
    return code;
  },
};
