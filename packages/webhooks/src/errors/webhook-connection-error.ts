/**
 * A delivery attempt that failed below HTTP.
 *
 * @module
 */
import { type DeliveryErrorContext, WebhookDeliveryError } from "./webhook-delivery-error";

/**
 * The request failed before a complete response arrived: connection refused
 * or reset, DNS failure, TLS error, socket closed mid-response. The original
 * error is `cause`. Retried.
 *
 * @example
 * ```ts
 * import { WebhookConnectionError } from "@attesta/webhooks";
 *
 * const onAttempt = ({ error }: { error?: Error }) => {
 *   if (error instanceof WebhookConnectionError) console.warn("network problem", error.cause);
 * };
 * ```
 */
export class WebhookConnectionError extends WebhookDeliveryError {
  override name = "WebhookConnectionError";

  constructor(context: DeliveryErrorContext) {
    const code = (context.cause as { code?: unknown } | undefined)?.code;
    const detail =
      typeof code === "string"
        ? code
        : context.cause instanceof Error
          ? context.cause.message
          : "unknown error";
    super(
      `${context.endpoint} could not be reached: ${detail} (attempt ${context.attempt})`,
      context,
    );
  }
}
