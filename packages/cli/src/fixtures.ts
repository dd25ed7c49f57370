/**
 * Realistic `data` for each pipeline event, for `send` and `trigger`.
 *
 * @module
 */
import { EVENT_TYPES, type EventType, type PipelineEvents } from "@attesta/events";
import { usageError } from "./cli-error";

// One agent action followed through the pipeline, so a trigger run reads as a story.
const context = {
  agent_id: "agent-billing-7",
  action_name: "issue_refund",
  metadata: { ticket: "SUP-4821", amount_eur: 129.5, session_id: "sess_01HZX4K9" },
};

/** The fixture data of every pipeline event, in pipeline order. */
export const FIXTURES: { readonly [E in EventType]: PipelineEvents[E] } = {
  risk_scored: {
    ...context,
    risk_score: 0.34,
    risk_level: "medium",
    factors: { amount: 0.21, customer_history: 0.08, off_hours: 0.05 },
  },
  trust_computed: { ...context, trust_score: 0.82, previous_trust_score: 0.79 },
  challenge_issued: {
    ...context,
    challenge_id: "chal_7Qm2",
    challenge_type: "confirm",
    risk_level: "medium",
  },
  challenge_completed: {
    ...context,
    challenge_id: "chal_7Qm2",
    challenge_type: "confirm",
    passed: true,
    response_time_seconds: 41.7,
  },
  approved: {
    ...context,
    risk_score: 0.34,
    risk_level: "medium",
    trust_score: 0.82,
    reason: "Matches ticket SUP-4821",
    decided_by: "reviewer:maria.k",
    review_time_seconds: 41.7,
  },
  denied: {
    ...context,
    action_name: "drop_table",
    metadata: { table: "invoices", environment: "production" },
    risk_score: 0.93,
    risk_level: "critical",
    reason: "Destructive action on production data",
    decided_by: "policy",
  },
  escalated: {
    ...context,
    action_name: "change_payout_account",
    metadata: { account_suffix: "4417" },
    risk_score: 0.71,
    risk_level: "high",
    reason: "New payout account needs a second approver",
    decided_by: "reviewer:maria.k",
    escalated_to: "finance-oncall",
  },
  audit_logged: {
    ...context,
    audit_id: "aud_2025_06_15_000482",
    verdict: "approved",
    risk_score: 0.34,
    risk_level: "medium",
  },
};

/**
 * The pipeline event named on the command line; accepts `approved`,
 * `APPROVED` and `Approved`.
 */
export function parseEventName(value: string): EventType {
  const name = value.toLowerCase() as EventType;
  if (!EVENT_TYPES.includes(name)) {
    throw usageError(
      `unknown event ${JSON.stringify(value)}.`,
      `use one of ${EVENT_TYPES.join(", ")} (any case).`,
    );
  }
  return name;
}
