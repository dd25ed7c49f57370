export { EventType, EVENT_TYPES } from "./event-type";
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
export type { WebhookPayload } from "./webhook-payload";
