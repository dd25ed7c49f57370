/**
 * Checks Standard Webhooks headers (webhook-id, webhook-timestamp,
 * webhook-signature) and, when they do not verify, names the likely cause.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createStandardSigner, decodeStandardSecret, verifyStandardWebhook } from "@attesta/verify";
import { describeByte, firstDifference, sha256Hex } from "../bytes";
import type { SignedRequest } from "./diagnose-attesta";
import { bodyRewrites, isCompactJson } from "./rewrites";
import type { Verdict } from "./verdict";

/** The receiver's clock and replay window. */
export interface StandardCheckOptions {
  toleranceSec: number;
  /** Epoch ms. */
  now: number;
}

const HEADERS = ["webhook-id", "webhook-timestamp", "webhook-signature"] as const;

/** The base64 `v1` signature of `id.timestamp.body` under the HMAC `key`. */
function hmacBase64(key: Uint8Array, id: string, timestamp: string, body: Uint8Array): string {
  return createStandardSigner(key)(body, id, Number(timestamp)).slice("v1,".length);
}

function rangeLine(id: string, timestamp: string, body: Uint8Array): string {
  const prefix = Buffer.byteLength(`${id}.${timestamp}.`);
  return (
    `signed: webhook-signature is HMAC-SHA256 over "webhook-id.webhook-timestamp.body": ` +
    `${Buffer.byteLength(id)} + 1 + ${timestamp.length} + 1 bytes, then the body at offsets ` +
    `${prefix}–${prefix + body.length - 1} (${body.length} bytes), ${prefix + body.length} bytes in all; ` +
    "keyed with the base64-decoded bytes after whsec_"
  );
}

function humanAge(seconds: number): string {
  const abs = Math.abs(seconds);
  const text =
    abs < 120
      ? `${abs} s`
      : abs < 7200
        ? `${Math.round(abs / 60)} min`
        : `${Math.round(abs / 3600)} h`;
  return seconds >= 0 ? `${text} in the past` : `${text} in the future`;
}

function fail(
  code: Verdict["code"],
  reason: string,
  details: string[],
  body: Uint8Array,
  extra: Partial<Verdict> = {},
): Verdict {
  return { ok: false, code, reason, details, bodyBytes: body.length, ...extra };
}

function acceptedByVerify(
  body: Uint8Array,
  headers: SignedRequest["headers"],
  secrets: readonly string[],
  options: StandardCheckOptions,
): boolean {
  // Secrets meant for X-Attesta-Signature (with --scheme any or both) are no Standard Webhooks keys.
  const keys = secrets.filter(
    (secret) => decodeStandardSecret(secret) !== undefined || /^wh(sk|pk)_/.test(secret),
  );
  if (keys.length === 0) return false;
  try {
    return verifyStandardWebhook(body, headers, keys, {
      toleranceSec: options.toleranceSec,
      now: new Date(options.now),
    });
  } catch {
    // A secret that is not a Standard Webhooks key: the diagnosis below names it.
    return false;
  }
}

/**
 * The verdict for the Standard Webhooks headers of one request. Only `v1`
 * (HMAC) entries are checked here; `keys` are `whsec_` secrets.
 */
export function diagnoseStandard(
  { body, headers }: SignedRequest,
  secrets: readonly string[],
  options: StandardCheckOptions,
): Verdict {
  const missing = HEADERS.filter((name) => !headers[name]);
  if (missing.length > 0) {
    const hint = headers["x-attesta-signature"]
      ? " (it has X-Attesta-Signature: use --scheme attesta or any)"
      : "";
    return fail(
      "missing_signature",
      `no ${missing.join(", ")} header${missing.length > 1 ? "s" : ""}${hint}`,
      [],
      body,
    );
  }
  const id = headers["webhook-id"] ?? "";
  const timestamp = headers["webhook-timestamp"] ?? "";
  const details = [rangeLine(id, timestamp, body), `body sha256: ${sha256Hex(body)}`];
  if (/[.\s]/.test(id) || id.length > 256)
    return fail(
      "malformed_signature",
      "malformed webhook-id: it must be 1 to 256 visible characters without a dot",
      details,
      body,
    );
  if (!/^\d{1,15}$/.test(timestamp))
    return fail(
      "malformed_signature",
      `malformed webhook-timestamp ${JSON.stringify(timestamp)}: it must be Unix seconds`,
      details,
      body,
    );
  const entries = (headers["webhook-signature"] ?? "")
    .split(" ")
    .filter((entry) => entry.startsWith("v1,"));
  const given = new Set(entries.map((entry) => entry.slice(3)));
  if (given.size === 0)
    return fail(
      "malformed_signature",
      'malformed webhook-signature: no "v1,<base64>" entry',
      details,
      body,
    );
  const keys = secrets.map(decodeStandardSecret);
  const index = keys.findIndex(
    (key) => key !== undefined && given.has(hmacBase64(key, id, timestamp, body)),
  );
  const age = Math.round(options.now / 1000) - Number(timestamp);
  // The decision is the one every receiver makes; the checks around it only explain a refusal.
  if (acceptedByVerify(body, headers, secrets, options)) {
    const which =
      index >= 0
        ? `secret #${index + 1}${secrets.length > 1 ? ` of ${secrets.length}` : ""}`
        : "one of the keys";
    return {
      ok: true,
      code: "verified",
      reason: `signed with ${which}, timestamp ${humanAge(age)}`,
      details,
      bodyBytes: body.length,
      signedBytes: body.length,
      ...(index >= 0 ? { secret: index + 1 } : {}),
    };
  }
  if (index >= 0 && Math.abs(age) > options.toleranceSec) {
    return fail(
      "timestamp_out_of_tolerance",
      `the signature is valid, but webhook-timestamp is ${humanAge(age)}; the tolerance is ${options.toleranceSec} s (a replay, or a clock off)`,
      details,
      body,
      { secret: index + 1, signedBytes: body.length },
    );
  }
  if (index >= 0) {
    return fail(
      "malformed_signature",
      `a v1 signature matches secret #${index + 1}, but the Standard Webhooks check refused the headers (webhook-id or webhook-timestamp out of spec?)`,
      details,
      body,
      { secret: index + 1 },
    );
  }
  return explainStandardMismatch(body, id, timestamp, secrets, given, details);
}

function explainStandardMismatch(
  body: Uint8Array,
  id: string,
  timestamp: string,
  secrets: readonly string[],
  given: Set<string>,
  details: string[],
): Verdict {
  const keys = secrets.map(decodeStandardSecret);
  for (const rewrite of bodyRewrites(body)) {
    const index = keys.findIndex(
      (key) => key !== undefined && given.has(hmacBase64(key, id, timestamp, rewrite.value)),
    );
    if (index < 0) continue;
    const offset = firstDifference(rewrite.value, body);
    return fail(
      "body_changed",
      `body changed after signing: the signature was computed over a ${rewrite.value.length}-byte body; the body you gave is ${body.length} bytes; ` +
        `first differing byte at offset ${offset}: body has ${describeByte(body[offset])}, signed bytes have ${describeByte(rewrite.value[offset])}. Cause: ${rewrite.why}`,
      details,
      body,
      { signedBytes: rewrite.value.length, firstDifference: offset, secret: index + 1 },
    );
  }
  const raw = secrets.findIndex((secret) =>
    given.has(hmacBase64(Buffer.from(secret), id, timestamp, body)),
  );
  if (raw >= 0) {
    return fail(
      "secret_variant",
      `secret mismatch: the body is intact, but the sender keys the HMAC with the secret's text (UTF-8 bytes, as X-Attesta-Signature does) instead of the base64-decoded bytes after whsec_ (compared with secret #${raw + 1})`,
      details,
      body,
      { secret: raw + 1, signedBytes: body.length },
    );
  }
  const unusable = keys.indexOf(undefined);
  if (unusable >= 0) {
    return fail(
      "secret_mismatch",
      `secret #${unusable + 1} is not a Standard Webhooks secret (whsec_ followed by base64), and no other secret matches`,
      details,
      body,
    );
  }
  return isCompactJson(body)
    ? fail(
        "secret_mismatch",
        `secret mismatch: the sender signs with a different secret (the body is intact: compact JSON, ${body.length} bytes)`,
        details,
        body,
      )
    : fail(
        "signature_mismatch",
        `signature mismatch: no secret given matches, and the body (${body.length} bytes) is not compact JSON as senders write it: it was changed on the way, or the secret differs`,
        details,
        body,
      );
}
