/**
 * Construction-time validation of an endpoint's `secret` and `scheme`.
 *
 * @module
 */
import { type SenderScheme, signatureHeaders } from "@attesta/verify";
import { invalidOption, typeName } from "../options/invalid-option";

/** How an endpoint signs its requests, after validation. */
export interface ResolvedSigning {
  /** One secret, or several for key rotation; `undefined` sends unsigned requests. */
  readonly secret: string | readonly string[] | undefined;
  readonly scheme: SenderScheme;
}

const SCHEMES: readonly SenderScheme[] = ["attesta", "standard-webhooks", "both"];

/**
 * Validates `secret` (a string, or a non-empty array of strings for rotation)
 * and `scheme` (default `"attesta"`), and proves them by signing a probe
 * message, so a malformed `whsec_` key fails here and not on the first event.
 */
export function resolveSigning(secret: unknown, scheme: unknown, at: string): ResolvedSigning {
  const resolvedScheme = scheme ?? "attesta";
  if (!SCHEMES.includes(resolvedScheme as SenderScheme)) {
    throw invalidOption(
      `${at}.scheme`,
      '"attesta", "standard-webhooks" or "both"',
      scheme,
      'leave it out for "attesta" (what the Python library verifies), or use "both" while receivers migrate',
    );
  }
  if (secret === undefined) {
    if (resolvedScheme === "attesta") return { secret: undefined, scheme: "attesta" };
    throw new TypeError(
      `@attesta/webhooks: ${at}.scheme "${String(resolvedScheme)}" signs every request, but ${at}.secret is missing. Fix: set secret to the endpoint's whsec_ key.`,
    );
  }
  assertSecretShape(secret, `${at}.secret`);
  const signing = { secret, scheme: resolvedScheme as SenderScheme };
  try {
    signatureHeaders("{}", { ...signing, id: "probe", timestamp: 0 });
  } catch (error) {
    // The verify package's message says what is wrong with which key, never the key itself.
    const reason = error instanceof Error ? error.message.replace(/^@attesta\/verify: /, "") : "";
    throw new TypeError(
      `@attesta/webhooks: ${at}.secret cannot sign with scheme "${signing.scheme}": ${reason}`,
      { cause: error },
    );
  }
  return signing;
}

function assertSecretShape(
  secret: unknown,
  at: string,
): asserts secret is string | readonly string[] {
  const entries = Array.isArray(secret) ? secret : [secret];
  const valid =
    entries.length > 0 && entries.every((entry) => typeof entry === "string" && entry.length > 0);
  if (valid) return;
  // Never echo the value: it may be a real secret with a wrong type.
  const got =
    typeof secret === "string"
      ? "an empty string"
      : Array.isArray(secret)
        ? "an array with an empty or non-string entry, or no entry"
        : `a value of type ${typeName(secret)}`;
  throw new TypeError(
    `@attesta/webhooks: ${at} must be a non-empty string; got ${got}. Fix: pass the shared secret (or an array of secrets during a key rotation), or leave secret out to send unsigned requests.`,
  );
}
