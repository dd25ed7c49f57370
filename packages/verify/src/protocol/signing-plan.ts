/**
 * Validation of what a sender signs with, shared by every signing function.
 *
 * @module
 */
import { normalizeSecrets } from "./normalize-secrets";
import { type StandardKey, signingKeys } from "./standard-key";
import { isValidMessageId } from "./standard-message";
import type { SecretOrSecrets, SenderScheme } from "./types";

const SCHEMES: readonly SenderScheme[] = ["attesta", "standard-webhooks", "both"];

/** Which keys sign which header, validated. */
export interface SigningPlan {
  /** The secret of `X-Attesta-Signature`, or `undefined` when that header is not sent. */
  attesta: string | undefined;
  /** The keys of `webhook-signature`; empty when those headers are not sent. */
  standard: StandardKey[];
}

/**
 * Validates a scheme and its secrets. The Attesta header is signed with the
 * first secret that is not an ed25519 key (it carries one signature, as the
 * Python library reads it); `webhook-signature` gets one entry per secret.
 *
 * @throws TypeError naming the bad option and the fix; never printing a secret.
 * @example
 * ```ts
 * signingPlan("both", ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"]);
 * ```
 */
export function signingPlan(scheme: SenderScheme, secret: SecretOrSecrets): SigningPlan {
  if (!SCHEMES.includes(scheme)) {
    throw new TypeError(
      `@attesta/verify: scheme must be "attesta", "standard-webhooks" or "both"; got ${JSON.stringify(scheme)}. ` +
        'Fix: omit it for "attesta" (what the Python library verifies).',
    );
  }
  const secrets = normalizeSecrets(secret, "secret");
  let attesta: string | undefined;
  if (scheme !== "standard-webhooks") {
    attesta = secrets.find((entry) => !entry.startsWith("whsk_"));
    if (attesta === undefined) {
      throw new TypeError(
        `@attesta/verify: scheme "${scheme}" needs an HMAC secret for X-Attesta-Signature, but every secret is an ed25519 whsk_ key. ` +
          'Fix: add the shared secret, or use scheme "standard-webhooks".',
      );
    }
  }
  const standard = scheme === "attesta" ? [] : signingKeys(secrets, "secret");
  return { attesta, standard };
}

/**
 * Checks a message id and timestamp for signing and returns the timestamp in
 * Unix seconds.
 *
 * @throws TypeError when the id is empty, too long or contains "." or
 * whitespace, or the timestamp is not a non-negative whole number of seconds.
 * @example
 * ```ts
 * messageTimestamp("msg_1", new Date()); // e.g. 1764567890
 * ```
 */
export function messageTimestamp(id: unknown, timestamp: unknown): number {
  if (!isValidMessageId(id)) {
    throw new TypeError(
      "@attesta/verify: id must be 1 to 256 characters without '.'. " +
        "Fix: pass the delivery id (a UUID), the same for every attempt of one delivery.",
    );
  }
  const seconds = timestamp instanceof Date ? Math.floor(timestamp.getTime() / 1000) : timestamp;
  if (typeof seconds !== "number" || !Number.isSafeInteger(seconds) || seconds < 0) {
    throw new TypeError(
      `@attesta/verify: timestamp must be a Date or whole Unix seconds; got ${String(timestamp)}. ` +
        "Fix: pass Math.floor(Date.now() / 1000), fresh for each attempt.",
    );
  }
  return seconds;
}

/**
 * Checks `toleranceSec`: a non-negative number of seconds, or `false`.
 *
 * @throws TypeError naming the fix.
 * @example
 * ```ts
 * toleranceOption(undefined, "options.toleranceSec"); // 300
 * ```
 */
export function toleranceOption(value: unknown, name: string, fallback: number): number | false {
  if (value === undefined) return fallback;
  if (value === false || (typeof value === "number" && Number.isFinite(value) && value >= 0)) {
    return value;
  }
  throw new TypeError(
    `@attesta/verify: ${name} must be a non-negative number of seconds or false; got ${String(value)}. ` +
      `Fix: omit it for the default (${fallback}).`,
  );
}
