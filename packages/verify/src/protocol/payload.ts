/**
 * The Attesta payload: the mapping from a bus event to the wire body, and the
 * shape check a receiver runs on verified bytes.
 *
 * @module
 */
import type { WebhookPayload } from "@attesta/events";
import { AttestaVerificationError } from "./verification-error";

/** What the mapping needs from a bus event: its type name, epoch-ms timestamp and data. */
export interface DispatchableEvent {
  readonly type: string;
  readonly timestamp: number;
  readonly data: unknown;
}

/**
 * Builds the webhook body object for a bus event, as the Python attesta
 * library does: `event` is the upper-case type name, `timestamp` is ISO 8601
 * UTC with milliseconds written with `+00:00`, `data` is the event's data.
 * `JSON.stringify` of the result is the exact body to send and sign.
 *
 * @throws RangeError when `timestamp` is not a valid epoch-ms number.
 * @example
 * ```ts
 * import { toWebhookPayload } from "@attesta/verify";
 *
 * const payload = toWebhookPayload({ type: "approved", timestamp: 1750000338123, data: {} });
 * JSON.stringify(payload); // {"event":"APPROVED","timestamp":"2025-06-15T15:12:18.123+00:00","data":{}}
 * ```
 */
export function toWebhookPayload(event: DispatchableEvent): WebhookPayload {
  const iso = new Date(event.timestamp).toISOString();
  return {
    event: event.type.toUpperCase(),
    // toISOString always ends in "Z" for the years 0000-9999.
    timestamp: `${iso.slice(0, -1)}+00:00`,
    data: event.data,
  } as WebhookPayload;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * True when `value` has the wire shape: string `event`, string `timestamp`
 * and an object `data`.
 *
 * @example
 * ```ts
 * isWebhookPayload({ event: "APPROVED", timestamp: "2025-06-15T14:32:18+00:00", data: {} }); // true
 * isWebhookPayload([1, 2]); // false
 * ```
 */
export function isWebhookPayload(value: unknown): value is WebhookPayload {
  return (
    isRecord(value) &&
    typeof value.event === "string" &&
    typeof value.timestamp === "string" &&
    isRecord(value.data)
  );
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Parses verified body bytes as an Attesta payload. The bytes are never
 * re-serialised. Call it only after the signature checked out.
 *
 * @throws AttestaVerificationError `invalid_json` or `invalid_payload` (400).
 * @example
 * ```ts
 * const payload = parseWebhookPayload(new TextEncoder().encode('{"event":"APPROVED","timestamp":"t","data":{}}'));
 * ```
 */
export function parseWebhookPayload(body: Uint8Array): WebhookPayload {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch (cause) {
    throw new AttestaVerificationError("invalid_json", "Request body is not valid UTF-8 JSON.", {
      cause,
    });
  }
  if (!isWebhookPayload(value)) {
    throw new AttestaVerificationError(
      "invalid_payload",
      'Request body is not an Attesta webhook payload ({"event", "timestamp", "data"}).',
    );
  }
  return value;
}
