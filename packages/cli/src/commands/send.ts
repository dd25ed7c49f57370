/**
 * `attesta send <event>`: one signed delivery, sent by hand.
 *
 * @module
 */
import { parseCommandArgs, parseHttpUrl, parsePositiveInt, resolveSecrets } from "../args";
import { parseBodyFormat, renderBody } from "../chat-format";
import { usageError } from "../cli-error";
import { type Command, EXIT_CODES_HELP } from "../command";
import { dataShapeProblem } from "../data-shape";
import { ExitCode } from "../exit-codes";
import { FIXTURES, parseEventName } from "../fixtures";
import { formatResult, resultJson } from "../format-result";
import { parseHeaderLines } from "../parse-headers";
import { postDelivery } from "../post-delivery";
import { readJsonOption } from "../read-input";
import { parseSendScheme } from "../scheme";

const help = `Usage: attesta send <event> --url <url> [options]

Signs one pipeline event exactly as WebhookDispatcher does and POSTs it, then
prints the answer. Without --data, a realistic fixture for the event is sent.
With --format slack|teams|discord, the body is that service's message, as an
endpoint with that format sends it; --dry-run prints the body instead.

Arguments:
  <event>              risk_scored, trust_computed, challenge_issued,
                       challenge_completed, approved, denied, escalated,
                       audit_logged (any case)

Options:
  --url <url>          endpoint to POST to (required unless --dry-run)
  --secret <secret>    signing secret, repeatable for Standard Webhooks (default: $ATTESTA_WEBHOOK_SECRET;
                       optional with a chat --format)
  --data <json>        the event's data: JSON text, @file.json, or - for stdin
  --timestamp <iso>    when the event happened (default: now)
  --header <line>      extra "Name: value" header; repeatable
  --scheme <scheme>    attesta (default): X-Attesta-Signature; standard-webhooks:
                       webhook-id, webhook-timestamp, webhook-signature (whsec_
                       secrets); both: all four headers
  --format <format>    attesta (default), slack, teams or discord
  --dry-run            print the exact body instead of sending it
  --force              send --data even when it lacks fields the event's data
                       always has (a warning is printed instead of refusing)
  --timeout <ms>       give up after this long (default: 10000)
  --json               print one JSON object instead of text
  -h, --help           show this help

Examples:
  attesta send approved --url http://127.0.0.1:3000/webhooks/attesta --secret whsec_test
  attesta send denied --format slack --dry-run

${EXIT_CODES_HELP}`;

const options = {
  url: { type: "string" },
  secret: { type: "string", multiple: true },
  data: { type: "string" },
  timestamp: { type: "string" },
  header: { type: "string", multiple: true },
  scheme: { type: "string" },
  timeout: { type: "string" },
  json: { type: "boolean" },
  force: { type: "boolean" },
  format: { type: "string" },
  "dry-run": { type: "boolean" },
} as const;

function parseTimestamp(value: string | undefined): number {
  if (value === undefined) return Date.now();
  const time = Date.parse(value);
  if (Number.isNaN(time)) {
    throw usageError(
      `--timestamp must be an ISO 8601 date; got ${JSON.stringify(value)}.`,
      "pass e.g. --timestamp 2025-06-15T14:32:18.123Z, or leave it out for now.",
    );
  }
  return time;
}

export const send: Command = {
  name: "send",
  help,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("send", argv, options, true);
    if (positionals.length !== 1) {
      throw usageError(
        `attesta send takes exactly one event name; got ${positionals.length}.`,
        "name one event, e.g. attesta send approved --url …; use attesta trigger for several.",
      );
    }
    const event = parseEventName(positionals[0] ?? "");
    const scheme = parseSendScheme(values.scheme);
    const format = parseBodyFormat(values.format);
    const data =
      values.data === undefined
        ? FIXTURES[event]
        : await readJsonOption("--data", values.data, io.stdin);
    if (data === null || typeof data !== "object" || Array.isArray(data)) {
      throw usageError(
        "--data must be a JSON object (the event's data).",
        `pass e.g. --data '{"agent_id":"agent-7","action_name":"deploy"}'.`,
      );
    }
    const shape = dataShapeProblem(event, data);
    if (shape !== undefined && !values.force) {
      throw usageError(
        `--data ${shape}, so receivers that read those fields would fail on it.`,
        "add the missing fields (run attesta send without --data to see a complete example), or pass --force to send it anyway.",
      );
    }
    if (shape !== undefined)
      io.err(`@attesta/cli: warning: --data ${shape}; sending it anyway (--force).`);
    const timestamp = parseTimestamp(values.timestamp);
    if (values["dry-run"]) {
      const { body } = await renderBody(format, { type: event, timestamp, data });
      io.out(body.toString("utf8"));
      return ExitCode.Ok;
    }
    const url = parseHttpUrl("url", values.url);
    const secrets = resolveSecrets("send", values.secret, io.env, format !== "attesta");
    const result = await postDelivery({
      url,
      format,
      event,
      data,
      secrets,
      scheme,
      timestamp,
      timeoutMs: parsePositiveInt("timeout", values.timeout, 10_000),
      extraHeaders: parseHeaderLines(values.header ?? [], "--header"),
    });
    if (values.json) io.out(JSON.stringify(resultJson(result)));
    else for (const line of formatResult(result, io.paint)) io.out(line);
    return result.ok ? ExitCode.Ok : ExitCode.Failed;
  },
};
