/**
 * `Name: value` header lines, as curl prints them or an HTTP dump shows them.
 *
 * @module
 */
import { usageError } from "./cli-error";

/**
 * Parses header lines into lower-case names. A request line (`POST / HTTP/1.1`)
 * or status line is skipped, and parsing stops at the first blank line, so a
 * whole request dump can be passed.
 */
export function parseHeaderLines(lines: readonly string[], source: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const raw of lines) {
    const line = raw.replace(/\r$/, "");
    if (line === "") {
      if (Object.keys(headers).length > 0) break;
      continue;
    }
    if (/^(HTTP\/\d|[A-Z]+ \S+ HTTP\/\d)/.test(line)) continue;
    const colon = line.indexOf(":");
    if (colon <= 0) {
      throw usageError(
        `${source}: ${JSON.stringify(line)} is not a "Name: value" header line.`,
        'write each header as Name: value, e.g. --header "X-Attesta-Signature: sha256=…".',
      );
    }
    // HTTP drops whitespace around a field value, and so does every receiver.
    const value = line.slice(colon + 1).trim();
    headers[line.slice(0, colon).trim().toLowerCase()] = value;
  }
  return headers;
}
