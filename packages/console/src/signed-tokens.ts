/**
 * Tokens the console signs itself: embed tokens (a customer's portal, scoped
 * to their endpoints, short-lived) and CSRF tokens (bound to a credential).
 * HMAC-SHA256 under the console's signing key; nothing secret is inside.
 *
 * @module
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { ConsolePrincipal, ConsoleRole } from "./console-options";
import { refuseUnknownKeys } from "./strict-keys";

const PREFIX = "ate1";
/** Longest lifetime of an embed token, in seconds (one day). */
const MAX_EXPIRES_IN = 86_400;

/** Options of `console.embedToken`. */
export interface EmbedTokenOptions {
  /** The endpoint ids the portal shows; nothing else is reachable with the token. */
  readonly endpoints: readonly string[];
  /** Default `"viewer"`. */
  readonly role?: ConsoleRole;
  /** Lifetime in seconds, 1 to 86400; default 900 (15 minutes). */
  readonly expiresIn?: number;
}

interface EmbedClaims {
  /** endpoints */
  e: string[];
  /** role */
  r: ConsoleRole;
  /** expiry, epoch seconds */
  x: number;
}

const mac = (key: string, text: string) => createHmac("sha256", key).update(text).digest();

/** Signs an embed token after checking its options. */
export function signEmbedToken(key: string, options: EmbedTokenOptions, now = Date.now()): string {
  if (typeof options !== "object" || options === null)
    throw new TypeError(
      '@attesta/console: embedToken(options) needs an object. Fix: pass { endpoints: ["ep_1"] }.',
    );
  refuseUnknownKeys(options, ["endpoints", "role", "expiresIn"], "embedToken(options)");
  const { endpoints, role = "viewer", expiresIn = 900 } = options;
  if (
    !Array.isArray(endpoints) ||
    endpoints.length === 0 ||
    endpoints.some((id) => typeof id !== "string" || id.length === 0)
  )
    throw new TypeError(
      "@attesta/console: embedToken({ endpoints }) must be a non-empty array of endpoint ids. Fix: pass the customer's endpoint ids.",
    );
  if (role !== "viewer" && role !== "operator")
    throw new TypeError(
      `@attesta/console: embedToken({ role }) must be "viewer" or "operator"; got ${JSON.stringify(role)}. Fix: pass "viewer".`,
    );
  if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_IN)
    throw new TypeError(
      `@attesta/console: embedToken({ expiresIn }) must be whole seconds from 1 to ${MAX_EXPIRES_IN}; got ${String(expiresIn)}. Fix: pass e.g. 900.`,
    );
  const claims: EmbedClaims = { e: [...endpoints], r: role, x: Math.floor(now / 1000) + expiresIn };
  const payload = Buffer.from(JSON.stringify(claims)).toString("base64url");
  return `${PREFIX}.${payload}.${mac(key, `${PREFIX}.${payload}`).toString("base64url")}`;
}

/** The principal of a valid, unexpired embed token; undefined otherwise. */
export function readEmbedToken(
  key: string,
  token: string,
  now = Date.now(),
): ConsolePrincipal | undefined {
  const [prefix, payload, signature, extra] = token.split(".");
  if (prefix !== PREFIX || payload === undefined || signature === undefined || extra !== undefined)
    return undefined;
  const expected = mac(key, `${PREFIX}.${payload}`);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as EmbedClaims;
    if (!Array.isArray(claims.e) || typeof claims.x !== "number" || claims.x * 1000 <= now)
      return undefined;
    if (claims.r !== "viewer" && claims.r !== "operator") return undefined;
    return { role: claims.r, endpoints: claims.e.map(String) };
  } catch {
    return undefined;
  }
}

/** The CSRF token of a credential (its Authorization or Cookie header): stable while the credential is. */
export function csrfTokenFor(key: string, credential: string): string {
  return mac(key, `csrf:${createHash("sha256").update(credential).digest("hex")}`).toString(
    "base64url",
  );
}

/** Constant-time comparison of two strings. */
export function sameSecret(a: string, b: string): boolean {
  const left = createHash("sha256").update(a).digest();
  const right = createHash("sha256").update(b).digest();
  return timingSafeEqual(left, right);
}
