/**
 * `@attesta/webhooks`: delivers Attesta pipeline events to HTTP endpoints as
 * signed JSON, in the background.
 *
 * @module
 */

export { backoffDelay } from "./backoff-delay";
export { DispatcherClosedError } from "./dispatcher-closed-error";
export { parseRetryAfter } from "./parse-retry-after";
export { toWebhookPayload } from "./to-webhook-payload";
export type {
  CloseOptions,
  CloseReport,
  DeadLetter,
  DeadLetterReason,
  DeliveryAttempt,
  DispatchableEvent,
  DispatcherStats,
  DroppedEvent,
  EndpointStats,
  EventSource,
  OverflowPolicy,
  WebhookConfig,
  WebhookDispatcherOptions,
  WebhookLogger,
} from "./types";
export { VERSION } from "./version";
export { WebhookConnectionError } from "./webhook-connection-error";
export type { DeliveryErrorContext } from "./webhook-delivery-error";
export { WebhookDeliveryError } from "./webhook-delivery-error";
export { WebhookDispatcher } from "./webhook-dispatcher";
export { WebhookResponseError } from "./webhook-response-error";
export { WebhookTimeoutError } from "./webhook-timeout-error";
