/**
 * Whether an event's `data` looks like what the pipeline sends for that
 * event type: the fields every receiver of it may rely on.
 *
 * @module
 */
import { EVENT_TYPES, type EventType } from "@attesta/events";

const CONTEXT = ["agent_id", "action_name"];
const VERDICT = [...CONTEXT, "risk_score", "risk_level"];

/** The fields each pipeline event's data always has (the types of @attesta/events). */
const REQUIRED: { readonly [E in EventType]: readonly string[] } = {
  risk_scored: VERDICT,
  trust_computed: [...CONTEXT, "trust_score"],
  challenge_issued: [...CONTEXT, "challenge_id", "challenge_type", "risk_level"],
  challenge_completed: [...CONTEXT, "challenge_id", "challenge_type", "passed"],
  approved: VERDICT,
  denied: VERDICT,
  escalated: VERDICT,
  audit_logged: [...CONTEXT, "audit_id", "verdict", "risk_score", "risk_level"],
};

/**
 * Why `data` is not a payload of `event` (an event name in any case), or
 * `undefined` when it has every field that event's data always has.
 *
 * @example
 * ```ts
 * dataShapeProblem("APPROVED", { foo: 1 });
 * // 'data is not an APPROVED payload: it lacks agent_id, action_name, risk_score, risk_level'
 * ```
 */
export function dataShapeProblem(event: string, data: unknown): string | undefined {
  const type = event.toLowerCase() as EventType;
  if (!EVENT_TYPES.includes(type)) {
    return `${JSON.stringify(event)} is not an Attesta pipeline event (${EVENT_TYPES.join(", ")})`;
  }
  const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  const missing = REQUIRED[type].filter((field) => record[field] === undefined);
  if (missing.length === 0) return undefined;
  return `data is not ${/^[aeiou]/i.test(type) ? "an" : "a"} ${type.toUpperCase()} payload: it lacks ${missing.join(", ")}`;
}
