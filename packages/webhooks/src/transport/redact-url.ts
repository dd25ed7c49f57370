/**
 * URLs made safe for errors and logs.
 *
 * @module
 */

const REDACTED = "REDACTED";

/**
 * `value` with any credentials (`user:password@`) and any query or fragment
 * replaced by `REDACTED`. Works on strings that are not valid URLs too (a bad
 * port, a missing scheme), since those are exactly the ones that end up in
 * error messages; long strings are cut to 120 characters.
 *
 * @example
 * ```ts
 * redactUrl("https://user:PW@host:99999/hook?token=abc"); // "https://REDACTED@host:99999/hook?REDACTED"
 * ```
 */
export function redactUrl(value: string): string {
  const schemeEnd = value.search(/^[a-z][a-z0-9+.-]*:\/\//i) === 0 ? value.indexOf("//") + 2 : 0;
  const rest = value.slice(schemeEnd);
  const authorityEnd = firstOf(rest, "/?#");
  const authority = rest.slice(0, authorityEnd);
  // The last "@" ends the user info: passwords may contain "@" themselves.
  const at = authority.lastIndexOf("@");
  const host = at === -1 ? authority : `${REDACTED}@${authority.slice(at + 1)}`;
  const tail = rest.slice(authorityEnd);
  const queryAt = firstOf(tail, "?#");
  const path = tail.slice(0, queryAt);
  const redacted = `${value.slice(0, schemeEnd)}${host}${path}${queryAt < tail.length ? `?${REDACTED}` : ""}`;
  return redacted.length > 120 ? `${redacted.slice(0, 117)}...` : redacted;
}

function firstOf(text: string, characters: string): number {
  for (let i = 0; i < text.length; i++) if (characters.includes(text[i] as string)) return i;
  return text.length;
}
