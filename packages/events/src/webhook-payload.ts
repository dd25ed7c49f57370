/**
 * The JSON body of an Attesta webhook, as sent on the wire.
 *
 * @module
 */
import type { EventType } from "./event-type";
import type { PipelineEvents } from "./pipeline-events";

/**
 * A webhook body for one pipeline event. With no type argument it is the
 * union over all events, discriminated by `event`, so checking
 * `payload.event === "APPROVED"` narrows `payload.data`.
 *
 * `event` is the upper-case event name and `timestamp` is ISO 8601 UTC written
 * with `+00:00`, as the Python attesta library writes them.
 *
 * @example
 * ```ts
 * import type { WebhookPayload } from "@attesta/events";
 *
 * function handle(payload: WebhookPayload) {
 *   if (payload.event === "DENIED") console.log(payload.data.reason);
 * }
 * ```
 */
export type WebhookPayload<K extends EventType = EventType> = {
  [P in K]: {
    event: Uppercase<P>;
    timestamp: string;
    data: PipelineEvents[P];
  };
}[K];
