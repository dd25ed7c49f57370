/**
 * Sample pipeline events for the tests.
 *
 * @module
 */
import type { EventType, PipelineEvents } from "@attesta/events";

/** Valid data for each pipeline event, tagged with `n` in `metadata` so deliveries can be told apart. */
export function sampleData<K extends EventType>(type: K, n = 0): PipelineEvents[K] {
  // Plain literals: object spread is surprisingly slow in loops of 100k emits.
  const agent_id = "agent-7";
  const action_name = "deploy_service";
  const metadata = { n };
  let data: PipelineEvents[EventType];
  switch (type) {
    case "risk_scored":
      data = {
        agent_id,
        action_name,
        metadata,
        risk_score: 0.42,
        risk_level: "medium",
        factors: { blast_radius: 0.3 },
      };
      break;
    case "trust_computed":
      data = { agent_id, action_name, metadata, trust_score: 0.8 };
      break;
    case "challenge_issued":
      data = {
        agent_id,
        action_name,
        metadata,
        challenge_id: "ch-1",
        challenge_type: "confirm",
        risk_level: "medium",
      };
      break;
    case "challenge_completed":
      data = {
        agent_id,
        action_name,
        metadata,
        challenge_id: "ch-1",
        challenge_type: "confirm",
        passed: true,
      };
      break;
    case "escalated":
      data = {
        agent_id,
        action_name,
        metadata,
        risk_score: 0.42,
        risk_level: "medium",
        escalated_to: "security",
      };
      break;
    case "audit_logged":
      data = {
        agent_id,
        action_name,
        metadata,
        audit_id: "au-1",
        verdict: "approved",
        risk_score: 0.42,
        risk_level: "medium",
      };
      break;
    default:
      data = {
        agent_id,
        action_name,
        metadata,
        risk_score: 0.42,
        risk_level: "medium",
        reason: type === "denied" ? "policy" : "low risk",
      };
  }
  return data as PipelineEvents[K];
}

/** The `metadata.n` tag of a delivered body. */
export function tagOf(body: Buffer): number {
  return (JSON.parse(body.toString("utf8")) as { data: { metadata: { n: number } } }).data.metadata
    .n;
}
