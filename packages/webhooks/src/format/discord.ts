/**
 * The Discord webhook message of an event: one embed coloured by risk level.
 *
 * @module
 */
import { clip } from "./clip";
import { SEVERITY_HEX } from "./colours";
import { DISCORD_LIMITS } from "./limits";
import type { MessageFacts } from "./message-facts";

/** Backslash-escapes Discord markdown, so agent data cannot restyle the message. */
function escapeMarkdown(text: string): string {
  // Inline markers anywhere; quote, heading and list markers only where a line starts.
  return text.replace(/([\\*_~`|[\]])/g, "\\$1").replace(/^(\s*)([>#-])/gm, "$1\\$2");
}

/** Space kept for the footer, the time field and the reason's label. */
const FIXED_BUDGET = 400;

/**
 * A Discord message with one embed: title, the reason as description, one
 * inline field per fact (at most 25), the time as a `<t:…:F>` timestamp
 * (each reader's own time zone), the event name as footer. Texts are cut
 * visibly to Discord's limits, and the fields are cut so that the embed
 * stays within 6,000 characters. Mentions are switched off: data from an
 * agent can never ping a channel.
 */
export function discordMessage(facts: MessageFacts): Record<string, unknown> {
  const title = clip(facts.title, DISCORD_LIMITS.title);
  const description =
    facts.reason === undefined
      ? undefined
      : clip(escapeMarkdown(facts.reason), DISCORD_LIMITS.description);
  const footer = clip(`Attesta · ${facts.event}`, DISCORD_LIMITS.footer);
  const seconds = Math.floor(facts.time / 1000);
  const timeField = { name: "Time", value: `<t:${seconds}:F> (<t:${seconds}:R>)`, inline: false };
  let budget =
    DISCORD_LIMITS.total - FIXED_BUDGET - title.length - (description?.length ?? 0) - footer.length;
  const fields: { name: string; value: string; inline: boolean }[] = [];
  const room = DISCORD_LIMITS.fields - 1;
  for (const [index, fact] of facts.facts.entries()) {
    if (index === room - 1 && facts.facts.length > room) {
      fields.push(moreField(facts.facts.length - index));
      break;
    }
    const name = clip(fact.label || "—", DISCORD_LIMITS.fieldName);
    if (budget - name.length < 32) {
      fields.push(moreField(facts.facts.length - index));
      break;
    }
    const value = clip(
      escapeMarkdown(fact.value) || "—",
      Math.min(DISCORD_LIMITS.fieldValue, budget - name.length),
    );
    budget -= name.length + value.length;
    fields.push({ name, value, inline: value.length <= 40 });
  }
  fields.push(timeField);
  const embed: Record<string, unknown> = {
    title,
    color: Number.parseInt(SEVERITY_HEX[facts.severity].slice(1), 16),
    ...(description === undefined ? {} : { description }),
    fields,
    footer: { text: footer },
    ...(Number.isFinite(facts.time) ? { timestamp: new Date(facts.time).toISOString() } : {}),
  };
  return { embeds: [embed], allowed_mentions: { parse: [] } };
}

function moreField(count: number): { name: string; value: string; inline: boolean } {
  return { name: "More", value: `${count} more fields not shown`, inline: false };
}
