/**
 * Stable endpoint ids, so a durable store finds its endpoints after a restart.
 *
 * @module
 */
import { createHash } from "node:crypto";

/** What an explicit `id` may look like: short, printable, safe in logs, URLs and SQL. */
export const ENDPOINT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

/**
 * The id of an endpoint whose config has no `id`: `ep_` and 16 hex digits of
 * SHA-256 over its position in the configs array and its URL. The same
 * configs give the same ids in every process; moving or editing an entry
 * gives it a new one (set `id` to keep it).
 *
 * @example
 * ```ts
 * defaultEndpointId(0, "https://hooks.example.com/a"); // "ep_…" (16 hex digits)
 * ```
 */
export function defaultEndpointId(index: number, url: string): string {
  return `ep_${createHash("sha256").update(`${index}\n${url}`).digest("hex").slice(0, 16)}`;
}
