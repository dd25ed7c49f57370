/**
 * `@attesta/webhooks`: delivers Attesta pipeline events to HTTP endpoints as
 * signed JSON, in the background.
 *
 * @module
 */

export type {
  AdminCapabilities,
  AdminChange,
  AdminDeliveryFilter,
  AdminDeliveryPage,
  AdminDeliveryQuery,
  AdminEndpoint,
  AdminMinute,
  DeliveryAdmin,
} from "./admin/delivery-admin";
export { dispatcherAdmin } from "./admin/dispatcher-admin";
export { DispatcherClosedError } from "./dispatcher-closed-error";
export type { EndpointInfo, RemoveEndpointOptions } from "./endpoint-admin";
export type { SecretResolver } from "./endpoint-records";
export type {
  DisableReason,
  DispatcherEvents,
  EndpointRef,
  FailureSummary,
} from "./operator-events";
export type {
  CloseReport,
  DeadLetter,
  DeadLetterReason,
  DeliveryAttempt,
  DispatcherStats,
  DroppedEvent,
  EndpointStats,
  FlushResult,
} from "./reports";
export { toWebhookPayload } from "./router/to-webhook-payload";
export { backoffDelay } from "./scheduler/backoff-delay";
export type { BreakerState, CircuitBreakerOptions } from "./scheduler/circuit-breaker";
export { DEFAULT_DISABLE_AFTER_MS } from "./scheduler/endpoint-health";
export { parseRetryAfter } from "./scheduler/parse-retry-after";
export { type RetrySchedule, SVIX_SCHEDULE } from "./scheduler/retry-schedule";
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
  StoredEndpoint,
} from "./store/delivery-store";
export { MemoryStore } from "./store/memory-store";
export type { MemoryStoreOptions } from "./store/memory-store-options";
export { BLOCKED_RANGES, type NetworkOptions } from "./transport/address-policy";
export { BlockedAddressError } from "./transport/blocked-address-error";
export { redactUrl } from "./transport/redact-url";
export { DEFAULT_MAX_SOCKETS } from "./transport/shared-agent";
export type {
  CloseOptions,
  DispatchableEvent,
  EventSource,
  FlushOptions,
  ListDeliveriesQuery,
  OverflowPolicy,
  RecoverOptions,
  WebhookConfig,
  WebhookDispatcherOptions,
  WebhookLogger,
} from "./types";
export { VERSION } from "./version";
export { WebhookBlockedAddressError } from "./webhook-blocked-address-error";
export { WebhookConnectionError } from "./webhook-connection-error";
export type { DeliveryErrorContext } from "./webhook-delivery-error";
export { WebhookDeliveryError } from "./webhook-delivery-error";
export { type Deliveries, WebhookDispatcher } from "./webhook-dispatcher";
export { WebhookResponseError } from "./webhook-response-error";
export { WebhookTimeoutError } from "./webhook-timeout-error";
