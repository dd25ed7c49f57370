/**
 * URLs made safe for errors, logs, spans and exported records.
 *
 * @module
 */
import { createHash } from "node:crypto";

const REDACTED = "REDACTED";

/** Options of {@link redactUrl}. */
export interface RedactUrlOptions {
  /**
   * The URL's path and query are its credential (a chat hook URL):
   * `true` shows only the origin and a fingerprint, `false` never does,
   * `undefined` (default) decides by the well-known hook hosts and a `sig=`
   * query parameter.
   */
  readonly secret?: boolean | undefined;
}

// Hosts whose webhook URLs carry their secret in the path or the query.
const SECRET_HOOKS: readonly RegExp[] = [
  /^hooks\.slack(-gov)?\.com$/i,
  /^(ptb\.|canary\.)?discord(app)?\.com$/i,
  /(^|\.)webhook\.office\.com$/i,
  /(^|\.)logic\.azure\.com$/i,
  /(^|\.)api\.powerplatform\.com$/i,
  /(^|\.)api\.powerautomate\.com$/i,
];

/**
 * `value` safe to print. For a URL whose path or query is its credential
 * (Slack, Discord, Teams and Power Automate hook URLs, any URL with a `sig=`
 * query parameter, or any URL when `options.secret` is `true`): its origin
 * and a stable fingerprint of the whole URL, `https://hooks.slack.com/…#3fa2c1d9`,
 * so that two such endpoints can still be told apart. For any other URL: its
 * credentials (`user:password@`) and any query or fragment replaced by
 * `REDACTED`. Works on strings that are not valid URLs too (a bad port, a
 * missing scheme), since those are exactly the ones that end up in error
 * messages; long strings are cut to 120 characters.
 *
 * @example
 * ```ts
 * redactUrl("https://user:PW@host:99999/hook?token=abc"); // "https://REDACTED@host:99999/hook?REDACTED"
 * redactUrl("https://hooks.slack.com/services/T0/B0/xyz"); // "https://hooks.slack.com/…#…" (8 hex digits)
 * ```
 */
export function redactUrl(value: string, options: RedactUrlOptions = {}): string {
  const schemeEnd = value.search(/^[a-z][a-z0-9+.-]*:\/\//i) === 0 ? value.indexOf("//") + 2 : 0;
  const rest = value.slice(schemeEnd);
  const authorityEnd = firstOf(rest, "/?#");
  const authority = rest.slice(0, authorityEnd);
  // The last "@" ends the user info: passwords may contain "@" themselves.
  const at = authority.lastIndexOf("@");
  const host = at === -1 ? authority : `${REDACTED}@${authority.slice(at + 1)}`;
  const tail = rest.slice(authorityEnd);
  const queryAt = firstOf(tail, "?#");
  if (isSecretUrl(host, tail, options.secret)) {
    return `${value.slice(0, schemeEnd)}${host}/…#${urlFingerprint(value)}`;
  }
  const path = tail.slice(0, queryAt);
  const redacted = `${value.slice(0, schemeEnd)}${host}${path}${queryAt < tail.length ? `?${REDACTED}` : ""}`;
  return redacted.length > 120 ? `${redacted.slice(0, 117)}...` : redacted;
}

/**
 * Whether a URL is one whose path or query is the credential, by the same
 * rule as {@link redactUrl}.
 */
export function isSecretUrl(host: string, tail: string, secret?: boolean): boolean {
  if (secret !== undefined) return secret;
  const hostname = host.replace(/^.*@/, "").replace(/:\d*$/, "");
  return SECRET_HOOKS.some((pattern) => pattern.test(hostname)) || /[?&]sig=/i.test(tail);
}

/**
 * Whether an endpoint config says its URL is a credential: its `secretUrl`,
 * else `true` for a chat `format` (a chat hook's URL is its credential
 * wherever it is hosted), else `undefined` (decided by the URL).
 */
export function endpointUrlIsSecret(config: {
  readonly format?: unknown;
  readonly secretUrl?: unknown;
}): boolean | undefined {
  if (typeof config.secretUrl === "boolean") return config.secretUrl;
  const { format } = config;
  return format === "slack" || format === "teams" || format === "discord" ? true : undefined;
}

/** 8 hex digits of the URL's SHA-256: the same URL always shows the same fingerprint. */
function urlFingerprint(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex").slice(0, 8);
}

function firstOf(text: string, characters: string): number {
  for (let i = 0; i < text.length; i++) if (characters.includes(text[i] as string)) return i;
  return text.length;
}
