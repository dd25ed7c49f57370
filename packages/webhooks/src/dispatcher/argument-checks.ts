/**
 * Checks of what callers hand the dispatcher: the bus, its unsubscribe
 * function, and `close()`'s deadline.
 *
 * @module
 */
import type { EventSource } from "../dispatchable-event";
import { assertKnownKeys } from "../options/strict-options";

/** Throws unless `bus` has `onAny`. */
export function assertEventSource(bus: unknown): asserts bus is EventSource {
  if (
    typeof bus !== "object" ||
    bus === null ||
    typeof (bus as Partial<EventSource>).onAny !== "function"
  ) {
    throw new TypeError(
      `@attesta/webhooks: bus must be an EventBus (an object with onAny); got ${bus === null ? "null" : typeof bus}. Fix: pass new EventBus() from @attesta/events.`,
    );
  }
}

/**
 * Throws unless `deadlineMs` is absent or a finite number ≥ 0; given the
 * options object of `close(options)` or `flush(options)` (`call`), also
 * refuses keys it does not know.
 */
export function validateDeadline(deadlineMs: unknown, call = "close"): void {
  if (deadlineMs !== null && typeof deadlineMs === "object") {
    assertKnownKeys(deadlineMs, ["deadlineMs"], `${call}(options)`);
    validateDeadline((deadlineMs as { deadlineMs?: unknown }).deadlineMs, call);
    return;
  }
  if (
    deadlineMs !== undefined &&
    (typeof deadlineMs !== "number" || !Number.isFinite(deadlineMs) || deadlineMs < 0)
  ) {
    throw new TypeError(
      `@attesta/webhooks: ${call}({ deadlineMs }) must be a number ≥ 0; got ${String(deadlineMs)}. Fix: pass e.g. 10000, or leave it out to wait for every delivery.`,
    );
  }
}

/** Throws unless `onAny` gave back an unsubscribe function. */
export function assertUnsubscribe(unsubscribe: unknown): asserts unsubscribe is () => void {
  if (typeof unsubscribe !== "function") {
    throw new TypeError(
      `@attesta/webhooks: bus.onAny(handler) must return an unsubscribe function; got ${unsubscribe === null ? "null" : typeof unsubscribe}. Fix: pass an EventBus from @attesta/events, or make onAny return () => void.`,
    );
  }
}
