/**
 * Thrown when an event is handed to a dispatcher that is closing or closed.
 *
 * @module
 */

/**
 * `dispatch()`, `redeliver()` or `recover()` was called after `close()`.
 * Nothing was queued.
 *
 * @example
 * ```ts
 * import { DispatcherClosedError } from "@attesta/webhooks";
 *
 * try {
 *   dispatcher.dispatch({ type: "approved", timestamp: Date.now(), data });
 * } catch (error) {
 *   if (error instanceof DispatcherClosedError) console.warn("too late:", error.message);
 * }
 * ```
 */
export class DispatcherClosedError extends Error {
  override name = "DispatcherClosedError";

  /**
   * @param eventType - the refused event's type.
   * @param refused - what was refused, when it was not an event (`redeliver("…")`).
   */
  constructor(eventType: string, refused = `the "${eventType}" event`) {
    super(
      `@attesta/webhooks: the dispatcher is closed; ${refused} was refused. Emit or redeliver before close(), or create a new WebhookDispatcher.`,
    );
  }
}
