/**
 * The Microsoft Teams Workflows message of an event: one Adaptive Card.
 *
 * @module
 */
import { clip } from "./clip";
import { SEVERITY_CARD_COLOR, SEVERITY_CARD_STYLE } from "./colours";
import { TEAMS_LIMITS } from "./limits";
import type { MessageFacts } from "./message-facts";

/**
 * A Workflows message: `{ type: "message", attachments: [{ contentType:
 * "application/vnd.microsoft.card.adaptive", content: AdaptiveCard }] }`,
 * schema version 1.5 (the highest Teams renders). The card has a title in a
 * container styled by risk level, a fact set, the reason and the time as UTC
 * text (Teams cards have no reader-local time syntax in text). Texts are cut
 * visibly, and again shorter until the message fits Teams' ~28 KB.
 */
export function teamsMessage(facts: MessageFacts): Record<string, unknown> {
  for (let textLimit: number = TEAMS_LIMITS.text; ; textLimit = Math.floor(textLimit / 2)) {
    const message = envelope(card(facts, textLimit));
    if (
      textLimit <= 40 ||
      Buffer.byteLength(JSON.stringify(message)) <= TEAMS_LIMITS.payloadBytes
    ) {
      return message;
    }
  }
}

function envelope(content: Record<string, unknown>): Record<string, unknown> {
  return {
    type: "message",
    attachments: [
      { contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content },
    ],
  };
}

function card(facts: MessageFacts, textLimit: number): Record<string, unknown> {
  const shown = facts.facts.slice(0, TEAMS_LIMITS.facts);
  const hidden = facts.facts.length - shown.length;
  const factSet = shown.map(({ label, value }) => ({
    title: clip(label, 200),
    value: clip(value, textLimit),
  }));
  if (hidden > 0) factSet.push({ title: "More", value: `${hidden} more fields not shown` });
  const body: Record<string, unknown>[] = [
    {
      type: "Container",
      style: SEVERITY_CARD_STYLE[facts.severity],
      bleed: true,
      items: [
        {
          type: "TextBlock",
          text: clip(facts.title, textLimit),
          size: "Large",
          weight: "Bolder",
          color: SEVERITY_CARD_COLOR[facts.severity],
          wrap: true,
        },
      ],
    },
  ];
  if (factSet.length > 0) body.push({ type: "FactSet", facts: factSet });
  if (facts.reason !== undefined) {
    body.push({ type: "TextBlock", text: clip(`Reason: ${facts.reason}`, textLimit), wrap: true });
  }
  const when = Number.isFinite(facts.time) ? new Date(facts.time).toISOString() : "unknown time";
  body.push({
    type: "TextBlock",
    text: `${facts.event} · ${when}`,
    isSubtle: true,
    size: "Small",
    wrap: true,
  });
  return {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: TEAMS_LIMITS.version,
    body,
    msteams: { width: "Full" },
  };
}
