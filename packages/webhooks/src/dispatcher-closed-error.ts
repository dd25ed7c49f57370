/**
 * Thrown when an event is handed to a dispatcher that is closing or closed.
 *
 * @module
 */

/**
 * `dispatch()` was called after `close()`. The event was not queued anywhere.
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

  constructor(eventType: string) {
    super(
      `@attesta/webhooks: the dispatcher is closed; the "${eventType}" event was refused. Emit before close(), or create a new WebhookDispatcher.`,
    );
  }
}
