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
export type { DispatchableEvent, EventSource } from "./dispatchable-event";
export {
  type Deliveries,
  type DeliveryLookup,
  WebhookDispatcher,
} from "./dispatcher/webhook-dispatcher";
export type { EndpointInfo, RemoveEndpointOptions } from "./endpoints/endpoint-admin";
export type { SecretResolver } from "./endpoints/endpoint-records";
export type { DeliveryErrorContext } from "./errors";
export {
  BlockedAddressError,
  DispatcherClosedError,
  WebhookBlockedAddressError,
  WebhookConnectionError,
  WebhookDeliveryError,
  WebhookFormatError,
  WebhookResponseError,
  WebhookTimeoutError,
} from "./errors";
export type {
  BuiltinFormat,
  ChatService,
  EndpointFormat,
  FormatContext,
  FormatFunction,
  FormatOutput,
  FormatPayload,
  FormattedBody,
} from "./format/endpoint-format";
export { DISCORD_LIMITS, SLACK_LIMITS, TEAMS_LIMITS } from "./format/limits";
export { renderChatMessage } from "./format/render-chat-message";
export type {
  CloseReport,
  DeadLetter,
  DeadLetterReason,
  DeliveryAttempt,
  DispatcherStats,
  DroppedEvent,
  EndpointStats,
  FlushResult,
} from "./reporting/hook-payloads";
export type {
  DispatcherEvents,
  EndpointRef,
  FailureSummary,
} from "./reporting/operator-events";
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
  DisableReason,
  EndpointDisabledState,
  LeasedDelivery,
  StoreContext,
  StoredEndpoint,
} from "./store/delivery-store";
export { MemoryStore } from "./store/memory-store";
export type { MemoryStoreOptions } from "./store/memory-store-options";
export { BLOCKED_RANGES, type NetworkOptions } from "./transport/address-policy";
export { type RedactUrlOptions, redactUrl } from "./transport/redact-url";
export { DEFAULT_MAX_SOCKETS } from "./transport/shared-agent";
export type {
  CloseOptions,
  FlushOptions,
  ListDeliveriesQuery,
  OverflowPolicy,
  RecoverOptions,
  WebhookConfig,
  WebhookDispatcherOptions,
  WebhookLogger,
} from "./types";
export { VERSION } from "./version";
