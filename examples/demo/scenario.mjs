// @ts-check
/**
 * Three agent actions as the Attesta pipeline sees them: one approved, one
 * denied, one escalated to a human.
 *
 * @module
 */

/**
 * @typedef {import("@attesta/events").PipelineEvents} PipelineEvents
 * @typedef {keyof PipelineEvents} EventName
 * @typedef {{ [K in EventName]: { type: K; data: PipelineEvents[K] } }[EventName]} PipelineEmit
 * @typedef {object} Action
 * @property {string} title           One line for the live output.
 * @property {PipelineEmit[]} before  Emitted as soon as the action is proposed.
 * @property {PipelineEmit[]} after   Emitted once the human has answered the challenge.
 */

/** @type {Action[]} */
export const actions = [
  action({
    agent_id: "agent-billing-7",
    action_name: "issue_refund",
    metadata: { customer_id: "cus_4821", amount_usd: 240, ticket: "SUP-4821" },
    risk_score: 0.34,
    risk_level: "medium",
    trust_score: 0.82,
    challenge_type: "confirm",
    passed: true,
    verdict: "approved",
    reason: "Refund under the agent's limit and matches the open support ticket",
    decided_by: "reviewer:maya",
  }),
  action({
    agent_id: "agent-ops-2",
    action_name: "drop_table",
    metadata: { database: "prod-eu-1", table: "customers_archive" },
    risk_score: 0.93,
    risk_level: "critical",
    trust_score: 0.41,
    challenge_type: "multi_party",
    passed: false,
    verdict: "denied",
    reason: "Destructive change to production data without a change ticket",
    decided_by: "reviewer:sam",
  }),
  action({
    agent_id: "agent-deploy-4",
    action_name: "deploy_to_production",
    metadata: { service: "payments-api", version: "2.14.0" },
    risk_score: 0.71,
    risk_level: "high",
    trust_score: 0.66,
    challenge_type: "teach_back",
    passed: true,
    verdict: "escalated",
    reason: "Deploy during a change freeze needs on-call sign-off",
    decided_by: "policy",
  }),
];

/**
 * @param {object} spec
 * @param {string} spec.agent_id
 * @param {string} spec.action_name
 * @param {Record<string, unknown>} spec.metadata
 * @param {number} spec.risk_score
 * @param {import("@attesta/events").RiskLevel} spec.risk_level
 * @param {number} spec.trust_score
 * @param {string} spec.challenge_type
 * @param {boolean} spec.passed
 * @param {"approved" | "denied" | "escalated"} spec.verdict
 * @param {string} spec.reason
 * @param {string} spec.decided_by
 * @returns {Action}
 */
function action(spec) {
  const { agent_id, action_name, metadata, risk_score, risk_level, trust_score } = spec;
  const context = { agent_id, action_name, metadata };
  const challenge_id = `chl_${action_name}_${agent_id.split("-").pop()}`;
  /** @type {PipelineEmit} */
  const verdict =
    spec.verdict === "escalated"
      ? {
          type: "escalated",
          data: {
            ...context,
            risk_score,
            risk_level,
            trust_score,
            reason: spec.reason,
            decided_by: spec.decided_by,
            escalated_to: "oncall:payments-lead",
          },
        }
      : {
          type: spec.verdict,
          data: {
            ...context,
            risk_score,
            risk_level,
            trust_score,
            reason: spec.reason,
            decided_by: spec.decided_by,
            review_time_seconds: 41.5,
          },
        };
  return {
    title: `${agent_id} wants to ${action_name} (risk ${risk_score.toFixed(2)}, ${risk_level})`,
    before: [
      {
        type: "risk_scored",
        data: {
          ...context,
          risk_score,
          risk_level,
          factors: {
            blast_radius: round(risk_score * 0.6),
            reversibility: round(risk_score * 0.4),
          },
        },
      },
      {
        type: "trust_computed",
        data: { ...context, trust_score, previous_trust_score: round(trust_score + 0.02) },
      },
      {
        type: "challenge_issued",
        data: { ...context, challenge_id, challenge_type: spec.challenge_type, risk_level },
      },
    ],
    after: [
      {
        type: "challenge_completed",
        data: {
          ...context,
          challenge_id,
          challenge_type: spec.challenge_type,
          passed: spec.passed,
          response_time_seconds: 38.2,
        },
      },
      verdict,
      {
        type: "audit_logged",
        data: {
          ...context,
          audit_id: `aud_${challenge_id.slice(4)}`,
          verdict: spec.verdict,
          risk_score,
          risk_level,
        },
      },
    ],
  };
}

/** @param {number} value */
function round(value) {
  return Math.round(value * 100) / 100;
}
