/**
 * `@attesta/webhooks`: delivers Attesta pipeline events to HTTP endpoints as
 * signed JSON, in the background.
 *
 * @module
 */
export { WebhookDispatcher } from "./webhook-dispatcher";
export { toWebhookPayload } from "./to-webhook-payload";
export { backoffDelay } from "./backoff-delay";
export { parseRetryAfter } from "./parse-retry-after";
export { VERSION } from "./version";
export { WebhookDeliveryError } from "./webhook-delivery-error";
export type { DeliveryErrorContext } from "./webhook-delivery-error";
export { WebhookResponseError } from "./webhook-response-error";
export { WebhookTimeoutError } from "./webhook-timeout-error";
export { WebhookConnectionError } from "./webhook-connection-error";
export { DispatcherClosedError } from "./dispatcher-closed-error";
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
