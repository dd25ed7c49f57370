/**
 * A delivery attempt answered with a status other than 2xx.
 *
 * @module
 */
import { describeReceiverError, type ReceiverError } from "../transport/receiver-error";
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

  /** The receiver's own error code from its response body (`error.code`), when it sent one. */
  readonly receiverCode: string | undefined;
  /** The receiver's own error message from its response body, when it sent one. */
  readonly receiverMessage: string | undefined;

  constructor(
    status: number,
    retryable: boolean,
    context: DeliveryErrorContext,
    receiver?: ReceiverError,
  ) {
    super(
      `${context.endpoint} answered HTTP ${status}${describeReceiverError(receiver)} (attempt ${context.attempt})`,
      context,
    );
    this.status = status;
    this.retryable = retryable;
    this.receiverCode = receiver?.code;
    this.receiverMessage = receiver?.message;
  }
}
