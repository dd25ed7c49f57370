/**
 * The built-in chat messages as a function, for previews and the CLI.
 *
 * @module
 */

import type { DispatchableEvent } from "../dispatchable-event";
import { eventName } from "../router/to-webhook-payload";
import { discordMessage } from "./discord";
import { messageFacts } from "./message-facts";
import { slackMessage } from "./slack";
import { teamsMessage } from "./teams";

/** The chat services with a built-in format. */
export type ChatService = "slack" | "teams" | "discord";

/**
 * The message an endpoint with `format: service` receives for `event`, as
 * a JSON object (`JSON.stringify` of it is the exact body).
 *
 * @example
 * ```ts
 * import { renderChatMessage } from "@attesta/webhooks";
 *
 * const message = renderChatMessage("slack", {
 *   type: "denied",
 *   timestamp: Date.now(),
 *   data: { agent_id: "deploy-bot", action_name: "deploy", risk_score: 0.91, risk_level: "critical" },
 * });
 * ```
 */
export function renderChatMessage(
  service: ChatService,
  event: DispatchableEvent,
): Record<string, unknown> {
  const facts = messageFacts(eventName(event.type), event.timestamp, event.data);
  if (service === "slack") return slackMessage(facts);
  if (service === "teams") return teamsMessage(facts);
  return discordMessage(facts);
}
