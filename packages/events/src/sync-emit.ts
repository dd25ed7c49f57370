/**
 * `emit`'s hot loop: every handler runs in order, a throw or a rejection goes
 * to `onError` and never stops the next handler.
 *
 * @module
 */
import {
  callOnError,
  type ErasedErrorHandler,
  isThenable,
  reportRejection,
} from "./settle-handlers";
import type { Listener } from "./subscription-registry";

/** Runs `listeners` with `event`; returns when they have all run, without waiting for promises. */
export function emitTo(
  listeners: readonly Listener[],
  event: unknown,
  onError: ErasedErrorHandler,
): void {
  // An indexed loop: with the try/catch inside, for-of costs an iterator per emit.
  for (let i = 0; i < listeners.length; i++) {
    const fn = listeners[i] as Listener;
    try {
      const result = fn(event);
      // Not awaited on purpose (emit is synchronous); the promise it returns never rejects.
      if (result !== undefined && isThenable(result))
        void reportRejection(onError, result, event, fn);
    } catch (error) {
      callOnError(onError, error, event, fn);
    }
  }
}

/** The event with `timestamp` set to now: what handlers get when the caller gave none. */
export function stamp(event: { type: string; data?: unknown }): {
  type: string;
  timestamp: number;
  data: unknown;
} {
  return { type: event.type, timestamp: Date.now(), data: event.data };
}
