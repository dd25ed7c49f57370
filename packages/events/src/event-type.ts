/**
 * The eight events of the Attesta approval pipeline.
 *
 * @module
 */

/**
 * Pipeline event names. Values are the lower-case snake names the Python
 * attesta library uses, so `EventType.APPROVED === "approved"`.
 *
 * @example
 * ```ts
 * import { EventType } from "@attesta/events";
 *
 * bus.on(EventType.APPROVED, (event) => console.log(event.data.action_name));
 * ```
 */
export const EventType = {
  RISK_SCORED: "risk_scored",
  TRUST_COMPUTED: "trust_computed",
  CHALLENGE_ISSUED: "challenge_issued",
  CHALLENGE_COMPLETED: "challenge_completed",
  APPROVED: "approved",
  DENIED: "denied",
  ESCALATED: "escalated",
  AUDIT_LOGGED: "audit_logged",
} as const;

/**
 * Union of the pipeline event names (`"risk_scored" | … | "audit_logged"`).
 *
 * @example
 * ```ts
 * import type { EventType } from "@attesta/events";
 *
 * const wanted: EventType[] = ["approved", "denied"];
 * ```
 */
export type EventType = (typeof EventType)[keyof typeof EventType];

/**
 * Every pipeline event name, in pipeline order.
 *
 * @example
 * ```ts
 * import { EVENT_TYPES } from "@attesta/events";
 *
 * EVENT_TYPES.includes("approved"); // true
 * ```
 */
export const EVENT_TYPES: readonly EventType[] = Object.freeze(Object.values(EventType));
