/**
 * `attesta trigger [event…]`: a fixture for each pipeline event, one after the other.
 *
 * @module
 */
import { EVENT_TYPES } from "@attesta/events";
import { parseCommandArgs, parseHttpUrl, parsePositiveInt, resolveSecrets } from "../args";
import { parseBodyFormat } from "../chat-format";
import { type Command, EXIT_CODES_HELP } from "../command";
import { ExitCode } from "../exit-codes";
import { FIXTURES, parseEventName } from "../fixtures";
import { formatResult, resultJson } from "../format-result";
import { parseHeaderLines } from "../parse-headers";
import { postDelivery } from "../post-delivery";
import { parseSendScheme } from "../scheme";

const help = `Usage: attesta trigger [event…] --url <url> [options]

Sends a realistic, signed fixture for each named pipeline event, in order; with
no event named, all eight: ${EVENT_TYPES.join(", ")}.
The fixtures follow one agent action (agent-billing-7 issuing a refund) through
the pipeline; denied and escalated use riskier actions.

Options:
  --url <url>          endpoint to POST to (required)
  --secret <secret>    signing secret, repeatable for Standard Webhooks (default: $ATTESTA_WEBHOOK_SECRET;
                       optional with a chat --format)
  --header <line>      extra "Name: value" header on every request; repeatable
  --scheme <scheme>    attesta (default): X-Attesta-Signature; standard-webhooks:
                       webhook-id, webhook-timestamp, webhook-signature (whsec_
                       secrets); both: all four headers
  --format <format>    attesta (default), slack, teams or discord: the body an
                       endpoint with that format sends
  --timeout <ms>       per request (default: 10000)
  --json               print one JSON object per delivery instead of text
  -h, --help           show this help

Example:
  attesta trigger approved denied --url http://127.0.0.1:3000/webhooks/attesta

${EXIT_CODES_HELP}
A refused delivery does not stop the run (exit 1 at the end); an unreachable
endpoint does (exit 3).`;

const options = {
  url: { type: "string" },
  secret: { type: "string", multiple: true },
  header: { type: "string", multiple: true },
  scheme: { type: "string" },
  timeout: { type: "string" },
  json: { type: "boolean" },
  format: { type: "string" },
} as const;

export const trigger: Command = {
  name: "trigger",
  help,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs("trigger", argv, options, true);
    const events = positionals.length > 0 ? positionals.map(parseEventName) : [...EVENT_TYPES];
    const scheme = parseSendScheme(values.scheme);
    const format = parseBodyFormat(values.format);
    const url = parseHttpUrl("url", values.url);
    const secrets = resolveSecrets("trigger", values.secret, io.env, format !== "attesta");
    const timeoutMs = parsePositiveInt("timeout", values.timeout, 10_000);
    const extraHeaders = parseHeaderLines(values.header ?? [], "--header");
    let accepted = 0;
    for (const event of events) {
      const result = await postDelivery({
        url,
        format,
        event,
        data: FIXTURES[event],
        secrets,
        scheme,
        timestamp: Date.now(),
        timeoutMs,
        extraHeaders,
      });
      if (result.ok) accepted += 1;
      if (values.json) io.out(JSON.stringify(resultJson(result)));
      else for (const line of formatResult(result, io.paint)) io.out(line);
    }
    if (!values.json) io.out(io.paint.dim(`${accepted} of ${events.length} accepted`));
    return accepted === events.length ? ExitCode.Ok : ExitCode.Failed;
  },
};
