/**
 * Payload types of the pipeline events, in the snake_case of the wire format.
 *
 * @module
 */
import type { EventType } from "./event-type";

/** Risk bands assigned by the risk scorer. */
export type RiskLevel = "low" | "medium" | "high" | "critical";

/** Fields every pipeline event carries about the action under review. */
export interface ActionContext {
  agent_id: string;
  action_name: string;
  /** Free-form context the pipeline attached (tool arguments, session ids…). */
  metadata?: Record<string, unknown>;
}

/** `risk_scored`: the action's risk was assessed. */
export interface RiskScoredData extends ActionContext {
  /** 0 (harmless) to 1 (critical). */
  risk_score: number;
  risk_level: RiskLevel;
  /** Contribution of each scoring factor, by factor name. */
  factors?: Record<string, number>;
}

/** `trust_computed`: the agent's trust score was updated. */
export interface TrustComputedData extends ActionContext {
  /** 0 (untrusted) to 1 (fully trusted). */
  trust_score: number;
  previous_trust_score?: number;
}

/** `challenge_issued`: a human was asked to confirm the action. */
export interface ChallengeIssuedData extends ActionContext {
  challenge_id: string;
  challenge_type: string;
  risk_level: RiskLevel;
}

/** `challenge_completed`: the human answered the challenge. */
export interface ChallengeCompletedData extends ActionContext {
  challenge_id: string;
  challenge_type: string;
  passed: boolean;
  response_time_seconds?: number;
}

/** `approved`, `denied` and `escalated`: the pipeline's verdict. */
export interface VerdictData extends ActionContext {
  risk_score: number;
  risk_level: RiskLevel;
  reason?: string;
  trust_score?: number;
  /** Who decided: a reviewer id, or `"policy"` for automatic decisions. */
  decided_by?: string;
  review_time_seconds?: number;
}

/** `escalated`: the verdict was handed to someone else. */
export interface EscalatedData extends VerdictData {
  escalated_to?: string;
}

/** `audit_logged`: the run was written to the audit trail. */
export interface AuditLoggedData extends ActionContext {
  audit_id: string;
  verdict: "approved" | "denied" | "escalated";
  risk_score: number;
  risk_level: RiskLevel;
}

/**
 * The default event map of `EventBus`: each pipeline event name to the type of
 * its `data`.
 *
 * @example
 * ```ts
 * import type { PipelineEvents } from "@attesta/events";
 *
 * type ApprovedData = PipelineEvents["approved"]; // VerdictData
 * ```
 */
export interface PipelineEvents {
  risk_scored: RiskScoredData;
  trust_computed: TrustComputedData;
  challenge_issued: ChallengeIssuedData;
  challenge_completed: ChallengeCompletedData;
  approved: VerdictData;
  denied: VerdictData;
  escalated: EscalatedData;
  audit_logged: AuditLoggedData;
}

// Compile-time guard: the map covers exactly the EventType names.
type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const pipelineEventsCoverEventType: Exact<keyof PipelineEvents, EventType> = true;
void pipelineEventsCoverEventType;
