/**
 * The event name of a body, for display, whether it is an Attesta payload at
 * all, and whether its data is what that event carries.
 *
 * @module
 */
import { dataShapeProblem } from "../data-shape";

const decoder = new TextDecoder("utf-8", { fatal: true });

/** What `readPayloadEvent` found in a body. */
export interface PayloadEvent {
  /** The body's event name when it has one. */
  event: string | null;
  /** Why the body is not an Attesta payload at all (answered 400). */
  problem?: string;
  /** Why a payload is not an Attesta event of its type (unknown event, data lacking fields). */
  note?: string;
}

/** Reads the event name of a body and judges its shape. */
export function readPayloadEvent(body: Uint8Array): PayloadEvent {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch {
    return { event: null, problem: "body is not valid UTF-8 JSON" };
  }
  const payload = value as { event?: unknown; timestamp?: unknown; data?: unknown };
  const event = typeof payload?.event === "string" ? payload.event : null;
  const isObject = (item: unknown) =>
    typeof item === "object" && item !== null && !Array.isArray(item);
  if (
    !isObject(value) ||
    event === null ||
    typeof payload.timestamp !== "string" ||
    !isObject(payload.data)
  ) {
    return { event, problem: 'body is not an Attesta payload ({"event", "timestamp", "data"})' };
  }
  const note = dataShapeProblem(event, payload.data);
  return note === undefined ? { event } : { event, note };
}
