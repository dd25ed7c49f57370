import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";

const url = process.env.ATTESTA_WEBHOOK_URL ?? "http://127.0.0.1:3000/webhooks/attesta";
const secret = process.env.ATTESTA_WEBHOOK_SECRET;
if (!secret) throw new Error("Set ATTESTA_WEBHOOK_SECRET to the secret the receiver expects.");

const bus = new EventBus();
const dispatcher = new WebhookDispatcher(bus, [
  { url, secret, events: ["approved", "denied", "escalated"] },
]);

// emit() returns immediately; the dispatcher signs and POSTs in the background.
bus.emit({
  type: "approved",
  data: {
    agent_id: "agent-billing-7",
    action_name: "issue_refund",
    risk_score: 0.34,
    risk_level: "medium",
    reason: "Matches ticket SUP-4821",
  },
});

// On shutdown, close() delivers what is queued (or gives up at the deadline).
const { undelivered } = await dispatcher.close({ deadlineMs: 10_000 });
console.log(`Sent; ${undelivered.length} undelivered.`);
process.exitCode = undelivered.length === 0 ? 0 : 1;
