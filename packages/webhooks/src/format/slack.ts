/**
 * The Slack incoming-webhook message of an event: a `text` fallback for
 * notifications and a coloured attachment holding Block Kit blocks.
 *
 * @module
 */
import { clip } from "./clip";
import { SEVERITY_HEX } from "./colours";
import { SLACK_LIMITS } from "./limits";
import type { MessageFacts } from "./message-facts";

/** Slack's mrkdwn escapes: only these three characters are control characters. */
function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** `<!date^…>` shows the time in each reader's own time zone, with the ISO time as fallback. */
function slackDate(time: number): string {
  const seconds = Math.floor(time / 1000);
  const iso = Number.isFinite(time) ? new Date(time).toISOString() : "unknown time";
  return `<!date^${seconds}^{date_short_pretty} at {time_secs}|${iso}>`;
}

/**
 * A Slack message: `text` (at most 4,000 characters, Slack's recommendation),
 * and one attachment coloured by risk level with a header, up to 10 fields
 * (the rest folded into one section), the reason and the time. Every text is
 * cut visibly to its Block Kit limit.
 */
export function slackMessage(facts: MessageFacts): Record<string, unknown> {
  const blocks: Record<string, unknown>[] = [
    {
      type: "header",
      text: { type: "plain_text", text: clip(facts.title, SLACK_LIMITS.headerText) },
    },
  ];
  const shown = facts.facts.slice(0, SLACK_LIMITS.fields);
  if (shown.length > 0) {
    blocks.push({
      type: "section",
      fields: shown.map(({ label, value }) => ({
        type: "mrkdwn",
        text: clip(`*${escapeMrkdwn(label)}*\n${escapeMrkdwn(value)}`, SLACK_LIMITS.fieldText),
      })),
    });
  }
  const rest = facts.facts.slice(SLACK_LIMITS.fields);
  if (rest.length > 0) {
    const lines = rest.map(
      ({ label, value }) => `*${escapeMrkdwn(label)}:* ${escapeMrkdwn(value)}`,
    );
    blocks.push(mrkdwnSection(lines.join("\n")));
  }
  if (facts.reason !== undefined)
    blocks.push(mrkdwnSection(`*Reason*\n${escapeMrkdwn(facts.reason)}`));
  blocks.push({
    type: "context",
    elements: [{ type: "mrkdwn", text: `${escapeMrkdwn(facts.event)} · ${slackDate(facts.time)}` }],
  });
  const reason = facts.reason === undefined ? "" : ` — ${facts.reason}`;
  return {
    text: clip(escapeMrkdwn(`${facts.title}${reason}`), SLACK_LIMITS.text),
    attachments: [{ color: SEVERITY_HEX[facts.severity], blocks }],
  };
}

function mrkdwnSection(text: string): Record<string, unknown> {
  return { type: "section", text: { type: "mrkdwn", text: clip(text, SLACK_LIMITS.sectionText) } };
}
