/**
 * Checks an X-Attesta-Signature and, when it does not match, names the likely cause.
 *
 * @module
 */
import {
  createAttestaSigner,
  SIGNATURE_HEADER,
  SIGNATURE_PREFIX,
  verifySignature,
} from "@attesta/verify";
import { describeByte, describeRange, firstDifference, sha256Hex } from "../bytes";
import { bodyRewrites, isCompactJson, secretRewrites } from "./rewrites";
import { signatureShape } from "./signature-shape";
import type { Verdict } from "./verdict";

/** A request as received: the exact body bytes and lower-case header names. */
export interface SignedRequest {
  body: Uint8Array;
  headers: Readonly<Record<string, string | undefined>>;
}

/** The hex digest `X-Attesta-Signature` would carry for `body` under `key`. */
const hmacHex = (body: Uint8Array, key: string | Uint8Array) =>
  createAttestaSigner(key)(body).slice(SIGNATURE_PREFIX.length);

function signedRangeLine(length: number): string {
  return `signed: X-Attesta-Signature is HMAC-SHA256 over the whole body, ${describeRange(length)}, keyed with the secret's UTF-8 bytes`;
}

/**
 * The verdict for one request and the receiver's secrets. The match itself is
 * `verifySignature` from @attesta/verify, the check every receiver runs; the
 * rewrites only run after it failed, to explain why.
 */
export function diagnoseAttesta(request: SignedRequest, secrets: readonly string[]): Verdict {
  const { body, headers } = request;
  const base = { bodyBytes: body.length };
  const header = headers[SIGNATURE_HEADER];
  if (header === undefined || header === "") {
    const swh = headers["webhook-signature"] ? " (it has Standard Webhooks headers only)" : "";
    return {
      ...base,
      ok: false,
      code: "missing_signature",
      reason: `no X-Attesta-Signature header${swh}: the sender did not sign this request`,
      details: [signedRangeLine(body.length), `body sha256: ${sha256Hex(body)}`],
    };
  }
  const shape = signatureShape(header);
  if (shape.problems.length > 0) return malformed(request, secrets, shape.problems, shape.digest);
  const index = secrets.findIndex((secret) => verifySignature(body, header, secret));
  if (index >= 0) {
    const of = secrets.length > 1 ? ` of ${secrets.length}` : "";
    return {
      ...base,
      ok: true,
      code: "verified",
      reason: `signed with secret #${index + 1}${of} over the body as received`,
      details: [signedRangeLine(body.length), `body sha256: ${sha256Hex(body)}`],
      signedBytes: body.length,
      secret: index + 1,
    };
  }
  return explainMismatch(request, secrets, (shape.digest ?? "") as string);
}

function malformed(
  request: SignedRequest,
  secrets: readonly string[],
  problems: string[],
  digest: string | null,
): Verdict {
  const index = digest
    ? secrets.findIndex((secret) => hmacHex(request.body, secret) === digest)
    : -1;
  const note =
    index >= 0
      ? `; the digest itself matches secret #${index + 1}, only its formatting is wrong`
      : "";
  return {
    ok: false,
    code: "malformed_signature",
    reason: `malformed X-Attesta-Signature: ${problems.join("; ")}${note}`,
    details: [
      'expected: "sha256=" followed by 64 lower-case hex digits, nothing around it',
      signedRangeLine(request.body.length),
      `body sha256: ${sha256Hex(request.body)}`,
    ],
    bodyBytes: request.body.length,
    ...(index >= 0 ? { secret: index + 1 } : {}),
  };
}

function explainMismatch(
  request: SignedRequest,
  secrets: readonly string[],
  digest: string,
): Verdict {
  return (
    explainBodyChange(request, secrets, digest) ??
    explainSecretVariant(request, secrets, digest) ??
    unexplained(request, secrets, digest)
  );
}

function explainBodyChange(
  { body }: SignedRequest,
  secrets: readonly string[],
  digest: string,
): Verdict | undefined {
  for (const rewrite of bodyRewrites(body)) {
    const index = secrets.findIndex((secret) => hmacHex(rewrite.value, secret) === digest);
    if (index < 0) continue;
    const signed = rewrite.value;
    const offset = firstDifference(signed, body);
    const bytes = `the signature was computed over ${signed.length} bytes; the body you gave is ${body.length} bytes`;
    const at = `first differing byte at offset ${offset}: body has ${describeByte(body[offset])}, signed bytes have ${describeByte(signed[offset])}`;
    return {
      ok: false,
      code: "body_changed",
      reason: `body changed after signing: ${bytes}; ${at}. Cause: ${rewrite.why}`,
      details: [
        `signed: ${describeRange(signed.length)} of what the sender sent, with secret #${index + 1}`,
        `body sha256: ${sha256Hex(body)} (signed bytes: ${sha256Hex(signed)})`,
        "fix: verify the bytes exactly as received, before any parser, proxy or editor touches them",
      ],
      bodyBytes: body.length,
      signedBytes: signed.length,
      firstDifference: offset,
      secret: index + 1,
    };
  }
  return undefined;
}

function explainSecretVariant(
  { body }: SignedRequest,
  secrets: readonly string[],
  digest: string,
): Verdict | undefined {
  for (const [index, secret] of secrets.entries()) {
    const match = secretRewrites(secret).find((rewrite) => hmacHex(body, rewrite.value) === digest);
    if (!match) continue;
    return {
      ok: false,
      code: "secret_variant",
      reason: `secret mismatch: the body is intact, but ${match.why} (compared with secret #${index + 1})`,
      details: [
        signedRangeLine(body.length),
        `body sha256: ${sha256Hex(body)}`,
        "fix: use byte-for-byte the same secret on both sides (no whitespace, same prefix, no decoding)",
      ],
      bodyBytes: body.length,
      signedBytes: body.length,
      secret: index + 1,
    };
  }
  return undefined;
}

function unexplained({ body }: SignedRequest, secrets: readonly string[], digest: string): Verdict {
  const which = secrets.length === 1 ? "the one given" : `any of the ${secrets.length} given`;
  const compact = isCompactJson(body);
  const reason = compact
    ? `secret mismatch: the sender signs with a different secret than ${which} (the body is intact: compact JSON, ${body.length} bytes)`
    : `signature mismatch: no secret given matches, and the body (${body.length} bytes) is not compact JSON ` +
      "as senders write it: it was changed on the way, or the secret differs";
  const expected = secrets
    .slice(0, 3)
    .map(
      (secret, index) =>
        `with secret #${index + 1} the header would be sha256=${hmacHex(body, secret).slice(0, 16)}…`,
    );
  return {
    ok: false,
    code: compact ? "secret_mismatch" : "signature_mismatch",
    reason,
    details: [
      signedRangeLine(body.length),
      `body sha256: ${sha256Hex(body)}`,
      ...expected,
      `the request has sha256=${digest.slice(0, 16)}…`,
      "next: on the sending side run `attesta sign` over the same body with its secret: the same body sha256 with a different signature means the secrets differ",
    ],
    bodyBytes: body.length,
  };
}
