/**
 * Building the `DeadLetter` handed to `onDeadLetter` and `close()`.
 *
 * Part of reporting/, shared by the in-process dispatcher and the BullMQ
 * producer and workers (bullmq/): a change here reaches both.
 *
 * @module
 */
import type { WebhookPayload } from "@attesta/events";
import type { DispatchableEvent } from "../dispatchable-event";
import type { WebhookDeliveryError } from "../errors";
import type { Endpoint } from "../router/endpoint";
import { toWebhookPayload } from "../router/to-webhook-payload";
import type { DeadReason } from "../store/delivery-store";
import type { DeadLetter } from "./hook-payloads";

/** What a dead letter is made of. */
export interface DeadLetterInput {
  readonly deliveryId: string;
  /** The body bytes; empty when the event could not be serialised. */
  readonly body: Uint8Array;
  /** The event itself, when it is still at hand (unserialisable data). */
  readonly event?: DispatchableEvent;
  readonly reason: DeadReason;
  readonly attempts: number;
  readonly status?: number | undefined;
  readonly error?: WebhookDeliveryError | undefined;
}

/**
 * The payload of a dead letter: parsed back from the exact bytes that were
 * sent, so it is the same whatever store kept it; for data that could not be
 * serialised, the event's fields as they are.
 */
function payloadOf(parts: DeadLetterInput, formatted: boolean): WebhookPayload {
  // A formatted body (a chat message, a custom format's text) is not the payload: the event is.
  if (parts.body.length > 0 && !(formatted && parts.event !== undefined)) {
    const text = Buffer.from(parts.body.buffer, parts.body.byteOffset, parts.body.length);
    try {
      return JSON.parse(text.toString("utf8")) as WebhookPayload;
    } catch {
      return { event: "", timestamp: "", data: {} } as unknown as WebhookPayload;
    }
  }
  const event = parts.event;
  if (event === undefined)
    return { event: "", timestamp: "", data: {} } as unknown as WebhookPayload;
  try {
    return toWebhookPayload(event);
  } catch {
    return {
      event: event.type.toUpperCase(),
      timestamp: String(event.timestamp),
      data: event.data,
    } as WebhookPayload;
  }
}

/**
 * @example
 * ```ts
 * const letter = toDeadLetter(endpoint, { deliveryId, body, reason: "exhausted", attempts: 2 });
 * ```
 */
export function toDeadLetter(endpoint: Endpoint, parts: DeadLetterInput): DeadLetter {
  return {
    url: endpoint.config.shownUrl,
    endpointIndex: endpoint.index,
    endpointId: endpoint.id,
    deliveryId: parts.deliveryId,
    payload: payloadOf(parts, endpoint.config.format !== undefined),
    ...(endpoint.config.format === undefined || parts.body.length === 0
      ? {}
      : { body: Buffer.from(parts.body).toString("utf8") }),
    reason: parts.reason,
    attempts: parts.attempts,
    ...(parts.status === undefined ? {} : { status: parts.status }),
    ...(parts.error === undefined ? {} : { error: parts.error }),
  };
}
