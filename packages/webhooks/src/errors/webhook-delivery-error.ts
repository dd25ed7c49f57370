/**
 * Base class of every request-time failure the dispatcher reports.
 *
 * @module
 */

/** Where a delivery error happened. */
export interface DeliveryErrorContext {
  /** The endpoint URL reduced to origin and path (no query, no credentials). */
  readonly endpoint: string;
  readonly deliveryId: string;
  readonly attempt: number;
  readonly cause?: unknown;
}

/**
 * A failed delivery attempt. Subclasses say why: {@link WebhookResponseError}
 * (a non-2xx answer), {@link WebhookTimeoutError} and
 * {@link WebhookConnectionError}. The base class itself is used when
 * `close()` aborts an attempt at its deadline.
 *
 * @example
 * ```ts
 * import { WebhookDeliveryError } from "@attesta/webhooks";
 *
 * const onAttempt = ({ error }: { error?: Error }) => {
 *   if (error instanceof WebhookDeliveryError) console.warn(error.endpoint, error.attempt, error.message);
 * };
 * ```
 */
export class WebhookDeliveryError extends Error {
  override name = "WebhookDeliveryError";
  readonly endpoint: string;
  readonly deliveryId: string;
  readonly attempt: number;

  constructor(message: string, context: DeliveryErrorContext) {
    super(message, context.cause === undefined ? undefined : { cause: context.cause });
    this.endpoint = context.endpoint;
    this.deliveryId = context.deliveryId;
    this.attempt = context.attempt;
  }
}
