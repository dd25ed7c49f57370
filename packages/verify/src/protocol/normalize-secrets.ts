/**
 * Argument validation for secrets.
 *
 * @module
 */
import type { SecretOrSecrets } from "./types";

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (typeof value === "string") return value === "" ? "an empty string" : "a string";
  return typeof value;
}

/**
 * Checks a secret argument and returns it as a non-empty array of non-empty
 * strings. A missing or empty secret is a programmer error, so it throws.
 *
 * @throws TypeError when the secret is missing, empty or not a string.
 * @example
 * ```ts
 * normalizeSecrets("whsec_1"); // ["whsec_1"]
 * normalizeSecrets(["new", "old"]); // ["new", "old"]
 * normalizeSecrets(""); // throws TypeError
 * ```
 */
export function normalizeSecrets(secret: SecretOrSecrets, name = "secret"): readonly string[] {
  if (typeof secret === "string") {
    if (secret.length > 0) return [secret];
  } else if (Array.isArray(secret) && secret.length > 0) {
    const list = secret as readonly unknown[];
    list.forEach((item, index) => {
      if (typeof item !== "string" || item.length === 0) {
        throw new TypeError(
          `@attesta/verify: ${name}[${index}] must be a non-empty string; got ${describe(item)}. ` +
            "Fix: pass the webhook secret configured on the sender, e.g. process.env.ATTESTA_WEBHOOK_SECRET.",
        );
      }
    });
    return list as readonly string[];
  }
  throw new TypeError(
    `@attesta/verify: ${name} must be a non-empty string or a non-empty array of strings; got ${describe(secret)}. ` +
      "Fix: pass the webhook secret configured on the sender, e.g. process.env.ATTESTA_WEBHOOK_SECRET " +
      "(check that the variable is set).",
  );
}

/**
 * Checks a single secret (for signing). Arrays are rejected: a signature is
 * made with exactly one key.
 *
 * @throws TypeError when the secret is missing, empty or not a string.
 * @example
 * ```ts
 * assertSigningSecret("whsec_1"); // ok
 * assertSigningSecret(""); // throws TypeError
 * ```
 */
export function assertSigningSecret(secret: unknown): asserts secret is string {
  if (typeof secret !== "string" || secret.length === 0) {
    throw new TypeError(
      `@attesta/verify: secret must be a non-empty string; got ${describe(secret)}. ` +
        "Fix: pass the webhook secret shared with the receiver, e.g. process.env.ATTESTA_WEBHOOK_SECRET.",
    );
  }
}
