/**
 * The Standard Webhooks scheme: `v1` (HMAC-SHA256) and `v1a` (ed25519)
 * signatures over `id.timestamp.body`.
 *
 * @module
 */
import { fromBase64 } from "../protocol/encoding";
import type { StandardKey } from "../protocol/standard-key";
import {
  isValidMessageId,
  parseSignatureList,
  parseTimestamp,
  type SignatureList,
} from "../protocol/standard-message";
import type { SignableBody } from "../protocol/types";
import { bodyPart, type Engine, standardKey } from "./engine";
import { all, andThen, type MaybePromise } from "./maybe-promise";

/** Why a Standard Webhooks message was or was not accepted. */
export type StandardOutcome = "ok" | "missing" | "malformed" | "expired" | "mismatch";

/** The three headers of a Standard Webhooks message, as received. */
export interface StandardHeaders {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
}

type SignedContent = readonly (string | Uint8Array)[];

/** The signed content, `id.timestamp.body`, as parts (the body is not copied for HMAC). */
function signedParts(id: string, timestamp: number | string, body: SignableBody): SignedContent {
  return [`${id}.${timestamp}.`, bodyPart(body)];
}

/** The signed content as one byte string, for ed25519. */
function signedBytes(engine: Engine, parts: SignedContent): Uint8Array {
  const chunks = parts.map((part) =>
    typeof part === "string" ? engine.primitives.bytes(part) : part,
  );
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/**
 * The `webhook-signature` value for a message: one space-separated entry per
 * key, `v1,<base64>` for HMAC keys and `v1a,<base64>` for ed25519 keys.
 * Arguments are validated by the caller.
 *
 * @example
 * ```ts
 * signStandard(nodeEngine, body, "msg_1", 1614265330, signingKeys([secret], "secret"));
 * ```
 */
export function signStandard(
  engine: Engine,
  body: SignableBody,
  id: string,
  timestamp: number,
  keys: readonly StandardKey[],
): MaybePromise<string> {
  const { primitives } = engine;
  const parts = signedParts(id, timestamp, body);
  const entries = keys.map((key) =>
    andThen(standardKey(engine, key), (prepared) =>
      key.kind === "hmac"
        ? andThen(primitives.hmac(prepared, parts, "base64"), (mac) => `v1,${mac}`)
        : andThen(
            primitives.ed25519Sign(prepared, signedBytes(engine, parts)),
            (signature) => `v1a,${primitives.toBase64(signature)}`,
          ),
    ),
  );
  return andThen(all(entries), (values) => values.join(" "));
}

/** A received message whose headers passed the checks that need no cryptography. */
export interface StandardMessageHeaders {
  id: string;
  /** `webhook-timestamp` as sent (decimal digits): signed as is. */
  timestamp: string;
  seconds: number;
  signatures: SignatureList;
}

/**
 * The checks that need neither the body nor cryptography, so a receiver can
 * refuse before reading: all three headers present, well-formed, and the
 * timestamp within `toleranceSec` (`false`: not checked) of `nowSec`.
 *
 * @example
 * ```ts
 * const parsed = parseStandardHeaders(headers, 300, Date.now() / 1000);
 * if (typeof parsed === "string") reject(parsed);
 * ```
 */
export function parseStandardHeaders(
  headers: StandardHeaders,
  toleranceSec: number | false,
  nowSec: number,
): StandardMessageHeaders | "missing" | "malformed" | "expired" {
  const { id, timestamp, signature } = headers;
  if (id === undefined || timestamp === undefined || signature === undefined) return "missing";
  const seconds = parseTimestamp(timestamp);
  const signatures = parseSignatureList(signature);
  if (!isValidMessageId(id) || seconds === undefined || signatures === undefined) {
    return "malformed";
  }
  if (toleranceSec !== false && Math.abs(nowSec - seconds) > toleranceSec) return "expired";
  return { id, timestamp, seconds, signatures };
}

/**
 * Whether one of the message's signatures verifies under one of `keys`.
 * Every key is tried, so timing does not reveal which one matched.
 *
 * @example
 * ```ts
 * await matchStandard(engine, body, parsed, keys); // true or false
 * ```
 */
export function matchStandard(
  engine: Engine,
  body: SignableBody,
  message: StandardMessageHeaders,
  keys: readonly StandardKey[],
): MaybePromise<boolean> {
  const parts = signedParts(message.id, message.timestamp, body);
  const [only] = keys;
  if (keys.length === 1 && only !== undefined) return matchesKey(engine, only, parts, message);
  const results = keys.map((key) => matchesKey(engine, key, parts, message));
  return andThen(all(results), (values) => values.includes(true));
}

/**
 * Checks a received message: {@link parseStandardHeaders}, then
 * {@link matchStandard}. Never throws on hostile headers.
 *
 * @example
 * ```ts
 * const outcome = checkStandard(nodeEngine, body, headers, keys, 300, Date.now() / 1000);
 * ```
 */
export function checkStandard(
  engine: Engine,
  body: SignableBody,
  headers: StandardHeaders,
  keys: readonly StandardKey[],
  toleranceSec: number | false,
  nowSec: number,
): MaybePromise<StandardOutcome> {
  const parsed = parseStandardHeaders(headers, toleranceSec, nowSec);
  if (typeof parsed === "string") return parsed;
  return andThen(matchStandard(engine, body, parsed, keys), (ok) => (ok ? "ok" : "mismatch"));
}

function matchesKey(
  engine: Engine,
  key: StandardKey,
  parts: SignedContent,
  message: StandardMessageHeaders,
): MaybePromise<boolean> {
  return andThen(standardKey(engine, key), (prepared) =>
    key.kind === "hmac"
      ? matchesHmac(engine, prepared, parts, message.signatures)
      : matchesEd25519(engine, prepared, parts, message.signatures),
  );
}

function matchesHmac(
  engine: Engine,
  key: unknown,
  parts: SignedContent,
  list: SignatureList,
): MaybePromise<boolean> {
  if (list.v1.length === 0) return false;
  const { primitives } = engine;
  return andThen(primitives.hmac(key, parts, "base64"), (expected) => {
    let matched = false;
    for (const candidate of list.v1) if (primitives.equal(expected, candidate)) matched = true;
    return matched;
  });
}

function matchesEd25519(
  engine: Engine,
  key: unknown,
  parts: SignedContent,
  list: SignatureList,
): MaybePromise<boolean> {
  if (list.v1a.length === 0) return false;
  const data = signedBytes(engine, parts);
  const checks = list.v1a.map((candidate) => {
    const signature = fromBase64(candidate);
    return signature === undefined ? false : engine.primitives.ed25519Verify(key, data, signature);
  });
  return andThen(all(checks), (values) => values.includes(true));
}
