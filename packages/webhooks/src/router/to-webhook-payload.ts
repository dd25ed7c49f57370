/**
 * The bus event to wire payload mapping shared with the Python attesta library.
 *
 * @module
 */
import type { WebhookPayload } from "@attesta/events";
import type { DispatchableEvent } from "../dispatchable-event";

/**
 * Builds the webhook body object for a bus event: `event` is the upper-case
 * type name, `timestamp` is ISO 8601 UTC with millisecond precision written
 * with `+00:00` (as Python's `isoformat()` writes UTC), `data` is the event's
 * data as is. `JSON.stringify` of the result is the exact body the dispatcher
 * sends. Throws `RangeError` when `timestamp` is not a valid epoch-ms number.
 *
 * @example
 * ```ts
 * import { toWebhookPayload } from "@attesta/webhooks";
 *
 * const payload = toWebhookPayload({
 *   type: "approved",
 *   timestamp: Date.UTC(2025, 5, 15, 14, 32, 18, 123),
 *   data: { agent_id: "agent-7", action_name: "deploy", risk_score: 0.2, risk_level: "low" },
 * });
 * console.log(JSON.stringify(payload));
 * // {"event":"APPROVED","timestamp":"2025-06-15T14:32:18.123+00:00","data":{"agent_id":"agent-7",…}}
 * ```
 */
export function toWebhookPayload(event: DispatchableEvent): WebhookPayload {
  return {
    event: eventName(event.type),
    timestamp: wireTimestamp(event.timestamp),
    data: event.data,
  } as WebhookPayload;
}

// The events of one burst share their millisecond and mostly their type, and formatting a date
// costs more than the rest of the mapping: the last of each is kept.
let lastMs = Number.NaN;
let lastTimestamp = "";
let lastType = "";
let lastName = "";

function wireTimestamp(ms: number): string {
  // NaN never equals itself, so an invalid time always reaches toISOString and its RangeError.
  if (ms !== lastMs) {
    // toISOString always ends in "Z" for the years 0000-9999.
    lastTimestamp = `${new Date(ms).toISOString().slice(0, -1)}+00:00`;
    lastMs = ms;
  }
  return lastTimestamp;
}

/**
 * The wire name of a bus event type (`"approved"` → `"APPROVED"`), as in the
 * body. Internal: shared by the payload and the stores' records.
 */
export function eventName(type: string): string {
  if (type !== lastType) {
    lastName = type.toUpperCase();
    lastType = type;
  }
  return lastName;
}
