/**
 * The parts of a Standard Webhooks message that are checked before any
 * cryptography: id, timestamp and the signature list.
 *
 * @module
 */

// The id is signed as `id.timestamp.body`: a "." in it would let one signed
// string be split into a different id, timestamp and body, so none is allowed.
const MAX_ID_LENGTH = 256;
const TIMESTAMP_PATTERN = /^[0-9]{1,15}$/;
const V1_PATTERN = /^[A-Za-z0-9+/]{43}=$/;
const V1A_PATTERN = /^[A-Za-z0-9+/]{86}==$/;
// More entries than any rotation needs; a bound keeps a forged header cheap.
const MAX_SIGNATURES = 16;

/** Default `toleranceSec`: 5 minutes each way, as the spec recommends. */
export const DEFAULT_TOLERANCE_SEC = 300;

/**
 * True when `id` can be signed: 1 to 256 characters, none of them `.`.
 *
 * @example
 * ```ts
 * isValidMessageId("msg_p5jXN8AQM9LWM0D4loKWxJek"); // true
 * isValidMessageId("a.b"); // false
 * ```
 */
export function isValidMessageId(id: unknown): id is string {
  return typeof id === "string" && id.length > 0 && id.length <= MAX_ID_LENGTH && !id.includes(".");
}

/**
 * The Unix-seconds timestamp of a `webhook-timestamp` value, or `undefined`
 * when it is not plain decimal digits.
 *
 * @example
 * ```ts
 * parseTimestamp("1614265330"); // 1614265330
 * parseTimestamp("1614265330.5"); // undefined
 * ```
 */
export function parseTimestamp(value: string): number | undefined {
  return TIMESTAMP_PATTERN.test(value) ? Number(value) : undefined;
}

/** The well-formed signatures of a `webhook-signature` value, by version. */
export interface SignatureList {
  v1: string[];
  v1a: string[];
}

/**
 * Splits a `webhook-signature` value into its well-formed `v1` and `v1a`
 * entries (base64 of 32 and 64 bytes). Other versions and malformed entries
 * are ignored, as the spec asks; `undefined` when there are more than 16.
 *
 * @example
 * ```ts
 * parseSignatureList("v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v2,x").v1.length; // 1
 * ```
 */
export function parseSignatureList(value: string): SignatureList | undefined {
  const list: SignatureList = { v1: [], v1a: [] };
  // One v1 signature is the common case: no split, and no pattern test either,
  // since a malformed value simply never equals a computed signature.
  if (value.length === 47 && value.startsWith("v1,")) {
    list.v1.push(value.slice(3));
    return list;
  }
  const entries = value.split(" ");
  if (entries.length > MAX_SIGNATURES) return undefined;
  for (const entry of entries) {
    const comma = entry.indexOf(",");
    const version = entry.slice(0, comma);
    const signature = entry.slice(comma + 1);
    if (version === "v1" && V1_PATTERN.test(signature)) list.v1.push(signature);
    else if (version === "v1a" && V1A_PATTERN.test(signature)) list.v1a.push(signature);
  }
  return list;
}
