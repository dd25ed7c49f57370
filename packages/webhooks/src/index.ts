/**
 * `@attesta/webhooks`: delivers Attesta pipeline events to HTTP endpoints as
 * signed JSON, in the background.
 *
 * @module
 */

export { DispatcherClosedError } from "./dispatcher-closed-error";
export { toWebhookPayload } from "./router/to-webhook-payload";
export { backoffDelay } from "./scheduler/backoff-delay";
export { parseRetryAfter } from "./scheduler/parse-retry-after";
export type {
  AttemptErrorKind,
  AttemptRecord,
  AttemptResult,
  DeadReason,
  DeliveryQuery,
  DeliveryRecord,
  DeliveryStatus,
  DeliveryStore,
  LeasedDelivery,
  StoreContext,
} from "./store/delivery-store";
export { MemoryStore, type MemoryStoreOptions } from "./store/memory-store";
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
  ListDeliveriesQuery,
  OverflowPolicy,
  RecoverOptions,
  WebhookConfig,
  WebhookDispatcherOptions,
  WebhookLogger,
} from "./types";
export { VERSION } from "./version";
export { WebhookConnectionError } from "./webhook-connection-error";
export type { DeliveryErrorContext } from "./webhook-delivery-error";
export { WebhookDeliveryError } from "./webhook-delivery-error";
export { type Deliveries, WebhookDispatcher } from "./webhook-dispatcher";
export { WebhookResponseError } from "./webhook-response-error";
export { WebhookTimeoutError } from "./webhook-timeout-error";
