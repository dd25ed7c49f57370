/**
 * `attesta sign`: the signature header for a body, and what exactly it covers.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { parseCommandArgs, resolveSecrets } from "../args";
import { describeByte, describeRange, sha256Hex } from "../bytes";
import { usageError } from "../cli-error";
import { type Command, EXIT_CODES_HELP } from "../command";
import { isCompactJson } from "../diagnose/rewrites";
import { ExitCode } from "../exit-codes";
import { signHeaders } from "../post-delivery";
import { readBytesOption } from "../read-input";
import { parseSendScheme, type SendScheme } from "../scheme";

const help = `Usage: attesta sign --secret <secret> [--body <text|@file|->] [options]

Prints the X-Attesta-Signature header for a body, which bytes it covers, and the
body's SHA-256, so sender and receiver can compare bodies without sharing the
secret. The body is signed byte for byte: a trailing newline in a file is signed.

Options:
  --body <body>        the body: text, @file, or - for stdin (default: stdin when piped)
  --secret <secret>    signing secret (default: $ATTESTA_WEBHOOK_SECRET)
  --scheme <scheme>    attesta (default): X-Attesta-Signature; standard-webhooks:
                       webhook-id, webhook-timestamp, webhook-signature (whsec_
                       secrets); both: all four headers
  --id <id>            Standard Webhooks message id (default: msg_ + a random UUID)
  --timestamp <secs>   Standard Webhooks Unix timestamp (default: now)
  --json               print one JSON object instead of text
  -h, --help           show this help

Example:
  attesta sign --body @body.json --secret whsec_test

${EXIT_CODES_HELP}`;

const options = {
  body: { type: "string" },
  secret: { type: "string", multiple: true },
  scheme: { type: "string" },
  id: { type: "string" },
  timestamp: { type: "string" },
  json: { type: "boolean" },
} as const;

function notes(body: Uint8Array): string[] {
  const out: string[] = [];
  const last = body[body.length - 1];
  if (last === 0x0a || last === 0x0d || last === 0x20) {
    out.push(
      `the body ends with ${describeByte(last)}, which is signed too: send exactly these bytes, or strip it before signing`,
    );
  }
  if (!isCompactJson(body)) {
    out.push(
      "the body is not compact JSON; senders write compact JSON, so compare it with what your sender really sends",
    );
  }
  return out;
}

const DISPLAY: Record<string, string> = {
  "x-attesta-signature": "X-Attesta-Signature",
  "webhook-id": "webhook-id",
  "webhook-timestamp": "webhook-timestamp",
  "webhook-signature": "webhook-signature",
};

function signWith(
  scheme: SendScheme,
  secrets: readonly string[],
  body: Uint8Array,
  values: { id?: string | undefined; timestamp?: string | undefined },
): Record<string, string> {
  const id = values.id ?? `msg_${randomUUID()}`;
  if (values.timestamp !== undefined && !/^\d{1,15}$/.test(values.timestamp)) {
    throw usageError(
      `--timestamp must be whole Unix seconds; got ${JSON.stringify(values.timestamp)}.`,
      "pass e.g. --timestamp 1750000338, or leave it out for now.",
    );
  }
  const signed = signHeaders(
    { secrets, scheme },
    body,
    id,
    values.timestamp === undefined ? undefined : Number(values.timestamp),
  );
  return signed;
}

function rangeLines(
  scheme: SendScheme,
  body: Uint8Array,
  headers: Record<string, string>,
  secret: string,
): string[] {
  const lines: string[] = [];
  if (scheme !== "standard-webhooks") {
    lines.push(
      `X-Attesta-Signature covers ${describeRange(body.length)} of the body, exactly as given; HMAC-SHA256 keyed with the secret's ${Buffer.byteLength(secret)} UTF-8 bytes`,
    );
  }
  if (scheme !== "attesta") {
    const prefix = Buffer.byteLength(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.`);
    lines.push(
      `webhook-signature covers "webhook-id.webhook-timestamp." (${prefix} bytes) followed by the body at offsets ${prefix}–${prefix + body.length - 1} (${body.length} bytes); HMAC-SHA256 keyed with the base64-decoded bytes after whsec_`,
    );
  }
  return lines;
}

export const sign: Command = {
  name: "sign",
  help,
  async run(argv, io) {
    const { values } = parseCommandArgs("sign", argv, options);
    const scheme = parseSendScheme(values.scheme);
    const secrets = resolveSecrets("sign", values.secret, io.env);
    if (secrets.length > 1 && scheme === "attesta") {
      throw usageError(
        `attesta sign signs X-Attesta-Signature with one secret; got ${secrets.length}.`,
        "pass --secret once (receivers accept several secrets; senders use one).",
      );
    }
    const body = await readBytesOption("--body", values.body ?? "-", io.stdin);
    const headers = signWith(scheme, secrets, body, values);
    const ranges = rangeLines(scheme, body, headers, secrets[0] ?? "");
    const digest = sha256Hex(body);
    if (values.json) {
      io.out(
        JSON.stringify({
          scheme,
          headers,
          signed_range: { start: 0, end: Math.max(body.length - 1, 0), length: body.length },
          signed: ranges,
          body_sha256: digest,
          notes: notes(body),
        }),
      );
      return ExitCode.Ok;
    }
    for (const [name, value] of Object.entries(headers))
      io.out(`${DISPLAY[name] ?? name}: ${value}`);
    for (const line of ranges) io.out(io.paint.dim(`signed: ${line}`));
    io.out(io.paint.dim(`body sha256: ${digest}`));
    for (const note of notes(body)) io.out(io.paint.yellow(`note: ${note}`));
    return ExitCode.Ok;
  },
};
