/**
 * The event name of a body, for display, and whether it is an Attesta payload at all.
 *
 * @module
 */

const decoder = new TextDecoder("utf-8", { fatal: true });

/** `event` is the body's event name when it has one; `problem` says why it is not a payload. */
export function readPayloadEvent(body: Uint8Array): { event: string | null; problem?: string } {
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
  return { event };
}
