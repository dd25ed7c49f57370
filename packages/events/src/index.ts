/**
 * `@attesta/events`: a typed, zero-dependency event bus for the Attesta
 * approval pipeline. Runs unchanged in Node, browsers and edge runtimes.
 *
 * @module
 */
export { EventBus } from "./event-bus";
export { EVENT_TYPES, EventType } from "./event-type";
export { logHandlerError } from "./log-handler-error";
export type {
  ActionContext,
  AuditLoggedData,
  ChallengeCompletedData,
  ChallengeIssuedData,
  EscalatedData,
  PipelineEvents,
  RiskLevel,
  RiskScoredData,
  TrustComputedData,
  VerdictData,
} from "./pipeline-events";
export type {
  AbortSignalLike,
  AnyEventHandler,
  BusEvent,
  ErrorContext,
  ErrorHandler,
  EventBusOptions,
  EventHandler,
  EventInput,
  EventName,
  OnceOptions,
  Unsubscribe,
} from "./types";
export type { WebhookPayload } from "./webhook-payload";
