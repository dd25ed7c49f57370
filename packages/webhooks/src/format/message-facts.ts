/**
 * What a chat message says about an event, independent of any service's
 * layout: a title, the risk level, labelled facts, a reason and the time.
 *
 * @module
 */

/** How serious an event looks; it picks the colour of the message. */
export type Severity = "low" | "medium" | "high" | "critical" | "info";

/** One labelled value. */
export interface Fact {
  readonly label: string;
  readonly value: string;
}

/** The readable content of one event. */
export interface MessageFacts {
  /** `"Denied: deploy by deploy-bot"`, or the event name for custom events. */
  readonly title: string;
  /** Upper-case event name, as on the wire. */
  readonly event: string;
  readonly severity: Severity;
  readonly facts: readonly Fact[];
  /** The pipeline's reason, when it gave one. */
  readonly reason: string | undefined;
  /** Epoch ms of the event. */
  readonly time: number;
}

const LEVELS = new Set(["low", "medium", "high", "critical"]);

/** Labels of the pipeline's fields, in the order they are shown. */
const KNOWN_FIELDS: readonly (readonly [string, string])[] = [
  ["agent_id", "Agent"],
  ["action_name", "Action"],
  ["verdict", "Verdict"],
  ["decided_by", "Decided by"],
  ["escalated_to", "Escalated to"],
  ["trust_score", "Trust score"],
  ["previous_trust_score", "Previous trust score"],
  ["challenge_type", "Challenge"],
  ["challenge_id", "Challenge id"],
  ["passed", "Passed"],
  ["response_time_seconds", "Response time (s)"],
  ["review_time_seconds", "Review time (s)"],
  ["audit_id", "Audit id"],
];

/** Fields that are shown elsewhere in the message, or folded into the risk fact. */
const SHOWN_ELSEWHERE = new Set(["risk_score", "risk_level", "reason"]);

/**
 * Reads the facts of a wire payload `{ event, timestamp, data }`. Pipeline
 * fields get their own labels and the risk fact; any other field (custom
 * event types, `metadata`, `factors`) is listed under its own name with a
 * compact JSON value, so no event is unreadable.
 */
export function messageFacts(event: string, time: number, data: unknown): MessageFacts {
  const fields = isRecord(data) ? data : { value: data };
  const level = typeof fields.risk_level === "string" ? fields.risk_level.toLowerCase() : undefined;
  const severity: Severity =
    level !== undefined && LEVELS.has(level) ? (level as Severity) : "info";
  const facts: Fact[] = [];
  const risk = riskText(fields.risk_score, level);
  for (const [key, label] of KNOWN_FIELDS) {
    if (key in fields) facts.push({ label, value: show(fields[key]) });
    if (key === "action_name" && risk !== undefined) facts.push({ label: "Risk", value: risk });
  }
  if (risk !== undefined && !("action_name" in fields)) facts.push({ label: "Risk", value: risk });
  const known = new Set(KNOWN_FIELDS.map(([key]) => key));
  for (const [key, value] of Object.entries(fields)) {
    if (!known.has(key) && !SHOWN_ELSEWHERE.has(key))
      facts.push({ label: key, value: show(value) });
  }
  const reason = fields.reason === undefined ? undefined : show(fields.reason);
  return { title: titleOf(event, fields), event, severity, facts, reason, time };
}

function titleOf(event: string, fields: Record<string, unknown>): string {
  const words = event
    .toLowerCase()
    .replace(/[_.-]+/g, " ")
    .trim();
  const name = words.charAt(0).toUpperCase() + words.slice(1);
  const action = typeof fields.action_name === "string" ? fields.action_name : undefined;
  const agent = typeof fields.agent_id === "string" ? fields.agent_id : undefined;
  if (action === undefined) return name || "Event";
  return agent === undefined ? `${name}: ${action}` : `${name}: ${action} by ${agent}`;
}

function riskText(score: unknown, level: string | undefined): string | undefined {
  const scoreText =
    typeof score === "number" && Number.isFinite(score) ? score.toFixed(2) : undefined;
  if (scoreText === undefined && level === undefined) return undefined;
  if (scoreText === undefined) return String(level);
  return level === undefined ? scoreText : `${scoreText} (${level})`;
}

/** A value as one line of text: strings as they are, anything else as compact JSON. */
function show(value: unknown): string {
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
