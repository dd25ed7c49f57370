/**
 * A delivery attempt that outlived its `timeoutMs`.
 *
 * @module
 */
import { type DeliveryErrorContext, WebhookDeliveryError } from "./webhook-delivery-error";

/**
 * No complete response (headers and body) within the endpoint's `timeoutMs`;
 * the request was aborted. Retried.
 *
 * @example
 * ```ts
 * import { WebhookTimeoutError } from "@attesta/webhooks";
 *
 * const onAttempt = ({ error }: { error?: Error }) => {
 *   if (error instanceof WebhookTimeoutError) console.warn(`no answer within ${error.timeoutMs} ms`);
 * };
 * ```
 */
export class WebhookTimeoutError extends WebhookDeliveryError {
  override name = "WebhookTimeoutError";
  readonly timeoutMs: number;

  constructor(timeoutMs: number, context: DeliveryErrorContext) {
    super(
      `${context.endpoint} did not answer within ${timeoutMs} ms (attempt ${context.attempt})`,
      context,
    );
    this.timeoutMs = timeoutMs;
  }
}
