/**
 * Standard Webhooks key serialisation: `whsec_` (HMAC secret), `whsk_`
 * (ed25519 secret key) and `whpk_` (ed25519 public key), each base64.
 *
 * @module
 */
import { fromBase64 } from "./encoding";
import { normalizeSecrets } from "./normalize-secrets";

/** A decoded Standard Webhooks key; `source` is the string it came from (a cache key). */
export interface StandardKey {
  readonly kind: "hmac" | "ed25519-secret" | "ed25519-public";
  readonly source: string;
  readonly bytes: Uint8Array;
  /** This key alone as a list, allocated once. */
  readonly asList: readonly StandardKey[];
}

const ED25519_KEY_BYTES = 32;

/**
 * Decodes one Standard Webhooks key, or returns `undefined` when `entry` is
 * none. The prefix picks the algorithm, as the spec intends: `whsk_` and
 * `whpk_` are ed25519 (32-byte seed, 32-byte public key), `whsec_` or no
 * prefix is an HMAC secret whose key is the base64-decoded bytes.
 *
 * @example
 * ```ts
 * parseStandardKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?.kind; // "hmac"
 * parseStandardKey("not base64!"); // undefined
 * ```
 */
export function parseStandardKey(entry: string): StandardKey | undefined {
  // Receivers pass the same few secrets on every request: decode each once.
  let key = parsed.get(entry);
  if (key === undefined) {
    key = decode(entry) ?? null;
    if (parsed.size >= MAX_PARSED_KEYS) {
      const oldest = parsed.keys().next();
      if (!oldest.done) parsed.delete(oldest.value);
    }
    parsed.set(entry, key);
  }
  return key ?? undefined;
}

const MAX_PARSED_KEYS = 64;
const parsed = new Map<string, StandardKey | null>();

function decode(entry: string): StandardKey | undefined {
  if (entry.startsWith("whsk_") || entry.startsWith("whpk_")) {
    const bytes = fromBase64(entry.slice(5));
    // Some tools serialise an ed25519 secret key as seed + public key (64 bytes).
    const valid =
      bytes !== undefined &&
      (bytes.length === ED25519_KEY_BYTES ||
        (entry.startsWith("whsk_") && bytes.length === 2 * ED25519_KEY_BYTES));
    if (!valid) return undefined;
    return withList({
      kind: entry.startsWith("whsk_") ? "ed25519-secret" : "ed25519-public",
      source: entry,
      bytes: bytes.subarray(0, ED25519_KEY_BYTES),
    });
  }
  const bytes = fromBase64(entry.startsWith("whsec_") ? entry.slice(6) : entry);
  if (bytes === undefined || bytes.length === 0) return undefined;
  return withList({ kind: "hmac", source: entry, bytes });
}

function withList(key: Omit<StandardKey, "asList">): StandardKey {
  const full = { ...key, asList: [] as StandardKey[] };
  full.asList.push(full);
  return full;
}

function keyError(name: string, index: number | undefined, expected: string): TypeError {
  const where = index === undefined ? name : `${name}[${index}]`;
  // The value itself is never printed: it is a secret.
  return new TypeError(
    `@attesta/verify: ${where} is not a Standard Webhooks ${expected}. ` +
      "Fix: pass the secret as shown by the sender, e.g. whsec_<base64> for HMAC, " +
      "whsk_<base64 32-byte seed> to sign with ed25519, whpk_<base64 32-byte public key> to verify.",
  );
}

/**
 * Decodes the keys a message is signed with: `whsec_` HMAC secrets and
 * `whsk_` ed25519 secret keys, in order.
 *
 * @throws TypeError naming the entry (never its value) and the fix.
 * @example
 * ```ts
 * signingKeys(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], "secret");
 * ```
 */
export function signingKeys(secrets: readonly string[], name: string): StandardKey[] {
  return secrets.map((entry, index) => {
    const key = parseStandardKey(entry);
    if (key === undefined || key.kind === "ed25519-public") {
      throw keyError(name, secrets.length > 1 ? index : undefined, "signing key");
    }
    return key;
  });
}

/**
 * {@link verificationKeys} of one secret, remembered: a receiver passes the
 * same secret on every request.
 *
 * @throws TypeError as {@link verificationKeys} does.
 * @example
 * ```ts
 * singleVerificationKey("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"); // [{ kind: "hmac", … }]
 * ```
 */
export function singleVerificationKey(secret: string): readonly StandardKey[] {
  const key = parseStandardKey(secret);
  if (key !== undefined && key.kind !== "ed25519-secret") return key.asList;
  return verificationKeys(normalizeSecrets(secret), "secret", false);
}

/**
 * Decodes the keys a message may be verified with: `whsec_` HMAC secrets and
 * `whpk_` ed25519 public keys. With `lenient`, entries that are neither are
 * skipped (a receiver accepting both schemes also holds Attesta secrets).
 *
 * @throws TypeError naming the entry (never its value) and the fix.
 * @example
 * ```ts
 * verificationKeys(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whpk_…"], "secret", false);
 * ```
 */
export function verificationKeys(
  secrets: readonly string[],
  name: string,
  lenient: boolean,
): StandardKey[] {
  const keys: StandardKey[] = [];
  secrets.forEach((entry, index) => {
    const key = parseStandardKey(entry);
    if (key !== undefined && key.kind !== "ed25519-secret") keys.push(key);
    else if (!lenient) {
      throw keyError(name, secrets.length > 1 ? index : undefined, "verification key");
    }
  });
  return keys;
}

/**
 * The HMAC key bytes of a Standard Webhooks secret (`whsec_` followed by
 * base64, or the base64 alone), or `undefined` when `secret` is no HMAC
 * secret (an ed25519 key, or not base64).
 *
 * @example
 * ```ts
 * decodeStandardSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")?.length; // 24
 * decodeStandardSecret("whpk_…"); // undefined
 * ```
 */
export function decodeStandardSecret(secret: string): Uint8Array | undefined {
  const key = typeof secret === "string" ? parseStandardKey(secret) : undefined;
  // A copy: the decoded key is cached and shared with every verifier.
  return key?.kind === "hmac" ? key.bytes.slice() : undefined;
}
