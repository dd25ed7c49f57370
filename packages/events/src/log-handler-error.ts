/**
 * The default `onError` of `EventBus`.
 *
 * @module
 */
import type { ErrorContext } from "./types";

interface ConsoleLike {
  error?: (...data: unknown[]) => void;
}

/**
 * Writes a failed handler's error to `console.error`, with the event type, the
 * handler's name and the event itself. This is what `EventBus` does when no
 * `onError` option is given; call it from your own `onError` to keep the log
 * line and add something (a metric, a report).
 *
 * It reads `console` from `globalThis` and does nothing where there is none,
 * so it is safe in any runtime, and it never throws.
 *
 * @example
 * ```ts
 * import { EventBus, logHandlerError } from "@attesta/events";
 *
 * let failures = 0;
 * const bus = new EventBus({
 *   onError: (error, context) => {
 *     failures++;
 *     logHandlerError(error, context);
 *   },
 * });
 * ```
 */
export function logHandlerError<Events>(error: unknown, context: ErrorContext<Events>): void {
  try {
    // Looked up on every call: runtimes without a console (or tests that swap
    // it) must neither crash nor be bypassed.
    const out = (globalThis as { console?: ConsoleLike }).console;
    if (out === undefined || typeof out.error !== "function") return;
    const name = context.handler.name || "<anonymous>";
    out.error(
      `@attesta/events: handler "${name}" for event "${String(context.event.type)}" failed; ` +
        "the other handlers still ran. Pass an onError option to EventBus to handle handler errors yourself.",
      error,
      { event: context.event },
    );
  } catch {
    // A broken console must not turn a handler error into an emit error.
  }
}
