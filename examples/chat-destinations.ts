// The full example of the Python docs, in TypeScript: Slack hears about
// denials, a signed audit endpoint records every event.
import { EventBus, EventType } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";

const slackUrl = process.env.SLACK_WEBHOOK_URL ?? "https://hooks.slack.com/services/T00/B00/xxx";
const auditUrl = process.env.AUDIT_WEBHOOK_URL ?? "https://audit.internal.company.com/attesta";
const auditSecret = process.env.AUDIT_WEBHOOK_SECRET;
if (!auditSecret)
  throw new Error("Set AUDIT_WEBHOOK_SECRET to the secret the audit receiver expects.");

const bus = new EventBus();
const dispatcher = new WebhookDispatcher(bus, [
  // Only notify on denials, as a Slack message (Block Kit, coloured by risk level).
  { url: slackUrl, events: [EventType.DENIED], format: "slack" },
  // Every event, signed, as the Attesta payload.
  { url: auditUrl, events: [], secret: auditSecret, retryCount: 3 },
]);

// What the approval pipeline emits as it decides.
bus.emit({
  type: EventType.APPROVED,
  data: { agent_id: "deploy-bot", action_name: "deploy", risk_score: 0.31, risk_level: "medium" },
});
bus.emit({
  type: EventType.DENIED,
  data: {
    agent_id: "deploy-bot",
    action_name: "drop_table",
    risk_score: 0.93,
    risk_level: "critical",
    reason: "Destructive change to production data without a ticket",
  },
});

const { undelivered } = await dispatcher.close({ deadlineMs: 10_000 });
console.log(`Sent; ${undelivered.length} undelivered.`);
process.exitCode = undelivered.length === 0 ? 0 : 1;
