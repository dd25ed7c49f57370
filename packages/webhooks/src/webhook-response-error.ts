/**
 * A delivery attempt answered with a status other than 2xx.
 *
 * @module
 */
import { type DeliveryErrorContext, WebhookDeliveryError } from "./webhook-delivery-error";

/**
 * The endpoint answered, but not with 2xx. A 3xx counts as a failure too:
 * redirects are never followed.
 *
 * @example
 * ```ts
 * import { WebhookResponseError } from "@attesta/webhooks";
 *
 * const onAttempt = ({ error }: { error?: Error }) => {
 *   if (error instanceof WebhookResponseError && error.status === 410) console.warn("endpoint is gone");
 * };
 * ```
 */
export class WebhookResponseError extends WebhookDeliveryError {
  override name = "WebhookResponseError";
  /** The HTTP status code. */
  readonly status: number;
  /** Whether this status is retried (408, 429, 5xx and 3xx). */
  readonly retryable: boolean;

  constructor(status: number, retryable: boolean, context: DeliveryErrorContext) {
    super(`${context.endpoint} answered HTTP ${status} (attempt ${context.attempt})`, context);
    this.status = status;
    this.retryable = retryable;
  }
}
