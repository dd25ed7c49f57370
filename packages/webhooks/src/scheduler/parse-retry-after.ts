/**
 * Reading the `Retry-After` response header.
 *
 * @module
 */

/**
 * Milliseconds to wait according to a `Retry-After` value: either a number of
 * seconds or an HTTP date (RFC 9110). Returns `undefined` for a missing or
 * malformed value, and `0` for a date in the past.
 *
 * @param now - current time in epoch ms, for HTTP dates; `Date.now()` by default.
 * @example
 * ```ts
 * import { parseRetryAfter } from "@attesta/webhooks";
 *
 * parseRetryAfter("120"); // 120000
 * parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", Date.UTC(2015, 9, 21, 7, 27, 0)); // 60000
 * ```
 */
export function parseRetryAfter(
  value: string | readonly string[] | undefined | null,
  now: number = Date.now(),
): number | undefined {
  const text = (typeof value === "string" ? value : value?.[0])?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // Only IMF-fixdate and the obsolete forms, which all contain a comma or "GMT";
  // refuse bare numbers with signs or decimals that Date.parse would accept.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}
