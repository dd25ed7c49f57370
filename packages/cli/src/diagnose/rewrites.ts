/**
 * The usual ways a body or a secret differs between sender and receiver.
 * Each rewrite is tried against the signature to name the cause of a mismatch.
 *
 * @module
 */
import { Buffer } from "node:buffer";

/** A candidate for what the sender actually signed (or signed with). */
export interface Rewrite<T> {
  value: T;
  /** Why the receiver's copy differs from this candidate, for the verdict's reason. */
  why: string;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

function trailingWhitespace(body: Uint8Array): number {
  let end = body.length;
  while (end > 0 && [0x0a, 0x0d, 0x20, 0x09].includes(body[end - 1] ?? 0)) end -= 1;
  return body.length - end;
}

function compactJson(body: Uint8Array): Uint8Array | null {
  try {
    return Buffer.from(JSON.stringify(JSON.parse(decoder.decode(body))));
  } catch {
    return null;
  }
}

/** True when the body is compact JSON, byte for byte what senders write. */
export function isCompactJson(body: Uint8Array): boolean {
  const compact = compactJson(body);
  return compact !== null && Buffer.from(body).equals(compact);
}

/** Bodies the sender may have signed before something on the way changed them. */
export function bodyRewrites(body: Uint8Array): Rewrite<Uint8Array>[] {
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const candidates: Rewrite<Uint8Array>[] = [];
  const trailing = trailingWhitespace(bytes);
  if (trailing > 0) {
    candidates.push({
      value: bytes.subarray(0, bytes.length - trailing),
      why: `${trailing} trailing whitespace byte(s) were added after signing (an editor, echo, or a copy from a terminal?)`,
    });
  }
  candidates.push({
    value: Buffer.concat([bytes, Buffer.from("\n")]),
    why: "the signed body ended with a newline that the body you gave lacks (lost in a copy?)",
  });
  if (bytes.includes("\r\n")) {
    candidates.push({
      value: Buffer.from(bytes.toString("latin1").replaceAll("\r\n", "\n"), "latin1"),
      why: "line endings were changed from LF to CRLF after signing",
    });
  }
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    candidates.push({
      value: bytes.subarray(3),
      why: "a UTF-8 byte order mark was added in front",
    });
  }
  const compact = compactJson(bytes);
  if (compact && !bytes.equals(compact)) {
    candidates.push({
      value: compact,
      why: "the JSON was re-serialised after signing (a body parser or proxy re-encoded it); the signature matches its compact form",
    });
  }
  return candidates;
}

/** Keys the sender may have used in place of `secret`. */
export function secretRewrites(secret: string): Rewrite<Uint8Array>[] {
  const candidates: Rewrite<Uint8Array>[] = [];
  const add = (key: string | Uint8Array, why: string) =>
    candidates.push({ value: typeof key === "string" ? Buffer.from(key) : key, why });
  if (secret.trim() !== secret && secret.trim() !== "")
    add(secret.trim(), "the secret you gave has surrounding whitespace; the sender's has none");
  add(
    `${secret}\n`,
    "the sender's secret ends with a newline (read from a file without trimming?)",
  );
  if (secret.startsWith("whsec_")) {
    add(secret.slice(6), 'the sender keys the HMAC with the secret without its "whsec_" prefix');
    const decoded = Buffer.from(secret.slice(6), "base64");
    if (decoded.length > 0)
      add(
        decoded,
        "the sender keys the HMAC with the base64-decoded secret, as Standard Webhooks does",
      );
  } else {
    add(
      `whsec_${secret}`,
      'the sender\'s secret has a "whsec_" prefix that the one you gave lacks',
    );
  }
  return candidates;
}
