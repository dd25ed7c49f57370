/**
 * `attesta sign`: the signature header for a body, and what exactly it covers.
 *
 * @module
 */
import { SIGNATURE_HEADER, sign as signBody } from "@attesta/verify";
import { parseCommandArgs, resolveSecrets } from "../args";
import { describeByte, describeRange, sha256Hex } from "../bytes";
import { usageError } from "../cli-error";
import { type Command, EXIT_CODES_HELP } from "../command";
import { isCompactJson } from "../diagnose/rewrites";
import { ExitCode } from "../exit-codes";
import { readBytesOption } from "../read-input";
import { parseSendScheme } from "../scheme";

const help = `Usage: attesta sign --secret <secret> [--body <text|@file|->] [options]

Prints the X-Attesta-Signature header for a body, which bytes it covers, and the
body's SHA-256, so sender and receiver can compare bodies without sharing the
secret. The body is signed byte for byte: a trailing newline in a file is signed.

Options:
  --body <body>        the body: text, @file, or - for stdin (default: stdin when piped)
  --secret <secret>    signing secret (default: $ATTESTA_WEBHOOK_SECRET)
  --scheme <scheme>    attesta (default): X-Attesta-Signature
  --json               print one JSON object instead of text
  -h, --help           show this help

Example:
  attesta sign --body @body.json --secret whsec_test

${EXIT_CODES_HELP}`;

const options = {
  body: { type: "string" },
  secret: { type: "string", multiple: true },
  scheme: { type: "string" },
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

export const sign: Command = {
  name: "sign",
  help,
  async run(argv, io) {
    const { values } = parseCommandArgs("sign", argv, options);
    parseSendScheme(values.scheme);
    const secrets = resolveSecrets("sign", values.secret, io.env);
    if (secrets.length > 1) {
      throw usageError(
        `attesta sign signs with one secret; got ${secrets.length}.`,
        "pass --secret once (receivers accept several secrets; senders use one).",
      );
    }
    const body = await readBytesOption("--body", values.body ?? "-", io.stdin);
    const signature = signBody(body, secrets[0] ?? "");
    const range = `${describeRange(body.length)} of the body, exactly as given; HMAC-SHA256 keyed with the secret's ${Buffer.byteLength(secrets[0] ?? "")} UTF-8 bytes`;
    const digest = sha256Hex(body);
    if (values.json) {
      io.out(
        JSON.stringify({
          scheme: "attesta",
          headers: { [SIGNATURE_HEADER]: signature },
          signed_range: { start: 0, end: Math.max(body.length - 1, 0), length: body.length },
          body_sha256: digest,
          notes: notes(body),
        }),
      );
      return ExitCode.Ok;
    }
    io.out(`X-Attesta-Signature: ${signature}`);
    io.out(io.paint.dim(`signed: ${range}`));
    io.out(io.paint.dim(`body sha256: ${digest}`));
    for (const note of notes(body)) io.out(io.paint.yellow(`note: ${note}`));
    return ExitCode.Ok;
  },
};
