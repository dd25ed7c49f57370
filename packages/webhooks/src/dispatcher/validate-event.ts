/**
 * The check `dispatch()` runs before an event is queued: the same shape the
 * bus hands its listeners, so a bad event fails at the call, on the caller's
 * stack, and never later in a background commit.
 *
 * @module
 */

import type { DispatchableEvent } from "../dispatchable-event";
import { invalidOption } from "../options/invalid-option";

/**
 * Throws a TypeError naming the field unless `event` has a non-empty string
 * `type`, a finite epoch-ms `timestamp` and a plain-object `data`.
 */
export function validateEvent(event: unknown): asserts event is DispatchableEvent {
  if (typeof event !== "object" || event === null) {
    throw invalidOption(
      "dispatch(event)",
      "an object { type, timestamp, data }",
      event,
      'pass e.g. { type: "approved", timestamp: Date.now(), data: { … } }',
    );
  }
  const { type, timestamp, data } = event as Partial<DispatchableEvent>;
  if (typeof type !== "string" || type.length === 0) {
    throw invalidOption(
      "dispatch(event).type",
      "a non-empty string",
      type,
      'pass an event name such as "approved"',
    );
  }
  if (typeof timestamp !== "number" || !Number.isFinite(timestamp)) {
    throw invalidOption(
      "dispatch(event).timestamp",
      "a finite number of epoch milliseconds",
      timestamp,
      "pass timestamp: Date.now() (bus.emit stamps it for you; dispatch does not)",
    );
  }
  if (!isPlainObject(data)) {
    throw invalidOption(
      "dispatch(event).data",
      "a plain object",
      data,
      "pass an object literal such as { agent_id, action_name }",
    );
  }
}

function isPlainObject(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
