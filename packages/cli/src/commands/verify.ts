/**
 * `attesta verify`: checks a body against its headers and says why it fails.
 *
 * @module
 */
import type { Buffer } from "node:buffer";
import { SIGNATURE_HEADER } from "@attesta/verify";
import { parseCommandArgs, parsePositiveInt, resolveSecrets } from "../args";
import { usageError } from "../cli-error";
import { type Command, EXIT_CODES_HELP } from "../command";
import { diagnose } from "../diagnose/diagnose";
import { formatVerdict, verdictJson } from "../diagnose/verdict-output";
import { ExitCode } from "../exit-codes";
import { recordBody } from "../listen/delivery-record";
import { readRecord } from "../listen/read-records";
import { parseHeaderLines } from "../parse-headers";
import { readBytesOption } from "../read-input";
import { parseCheckScheme } from "../scheme";

const help = `Usage: attesta verify --secret <secret>… <request> [options]

Checks a body's signature with the receiver's secret(s), states which bytes the
signature covers, and when it fails, why: a missing or malformed header, a body
changed after signing (trailing newline, re-serialised JSON, CRLF…, with the
first differing byte), a secret that differs in whitespace or prefix, or a
different secret altogether.

The request, either:
  --from <file.jsonl>  a delivery recorded by attesta listen --jsonl (the last
                       one, or --index N from 1, negative from the end, or --id ID)
or a body with its headers:
  --body <body>        the body: text, @file, or - for stdin (default: stdin when piped)
  --signature <value>  the X-Attesta-Signature value, exactly as received
  --header <line>      a "Name: value" header; repeatable
  --headers <@file>    a file of header lines (a raw HTTP request dump works)

Options:
  --secret <secret>    the receiver's secret; repeat for rotation (default: $ATTESTA_WEBHOOK_SECRET)
  --scheme <scheme>    attesta (default): X-Attesta-Signature; standard-webhooks:
                       webhook-id, webhook-timestamp, webhook-signature; both; any
  --tolerance <sec>    Standard Webhooks timestamp window (default: 300); the
                       clock is now, or the time listen received a --from record
  --json               print one JSON object instead of text
  -h, --help           show this help

Examples:
  attesta verify --from deliveries.jsonl --secret "$ATTESTA_WEBHOOK_SECRET"
  attesta verify --body @body.json --signature sha256=… --secret whsec_test

${EXIT_CODES_HELP}`;

const options = {
  from: { type: "string" },
  index: { type: "string" },
  id: { type: "string" },
  body: { type: "string" },
  signature: { type: "string" },
  header: { type: "string", multiple: true },
  headers: { type: "string" },
  secret: { type: "string", multiple: true },
  scheme: { type: "string" },
  tolerance: { type: "string" },
  json: { type: "boolean" },
} as const;

type Values = ReturnType<typeof parseCommandArgs<typeof options>>["values"];

function parseIndex(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value) || Number(value) === 0) {
    throw usageError(
      `--index must be a non-zero integer; got ${JSON.stringify(value)}.`,
      "pass 1 for the first delivery, -1 for the last.",
    );
  }
  return Number(value);
}

async function readRequest(values: Values, stdin: NodeJS.ReadStream) {
  if (values.from !== undefined) {
    if (values.body !== undefined || values.signature !== undefined) {
      throw usageError(
        "--from already holds the body and headers; --body and --signature cannot be combined with it.",
        "pass either --from <file.jsonl> or --body with --signature/--header.",
      );
    }
    const index = parseIndex(values.index);
    const record = await readRecord(values.from, {
      ...(index === undefined ? {} : { index }),
      ...(values.id === undefined ? {} : { id: values.id }),
    });
    return {
      body: recordBody(record),
      headers: record.headers,
      now: Date.parse(record.received_at),
    };
  }
  const headers: Record<string, string> = {};
  if (values.headers !== undefined) {
    const text = (await readBytesOption("--headers", values.headers, stdin)).toString("utf8");
    Object.assign(headers, parseHeaderLines(text.split("\n"), "--headers"));
  }
  Object.assign(headers, parseHeaderLines(values.header ?? [], "--header"));
  if (values.signature !== undefined) headers[SIGNATURE_HEADER] = values.signature;
  const body: Buffer = await readBytesOption("--body", values.body ?? "-", stdin);
  return { body, headers, now: Date.now() };
}

export const verify: Command = {
  name: "verify",
  help,
  async run(argv, io) {
    const { values } = parseCommandArgs("verify", argv, options);
    const scheme = parseCheckScheme(values.scheme);
    const secrets = resolveSecrets("verify", values.secret, io.env);
    const toleranceSec = parsePositiveInt("tolerance", values.tolerance, 300);
    const request = await readRequest(values, io.stdin);
    const verdict = diagnose(request, secrets, scheme, { toleranceSec, now: request.now });
    if (values.json) io.out(JSON.stringify(verdictJson(verdict)));
    else for (const line of formatVerdict(verdict, io.paint)) io.out(line);
    return verdict.ok ? ExitCode.Ok : ExitCode.Failed;
  },
};
