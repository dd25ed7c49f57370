// Emits events in this process; the deliveries go to Redis for the workers.
import { EventBus } from "@attesta/events";
import { WebhookProducer } from "@attesta/webhooks/bullmq";
import { endpoints, redis } from "./endpoints";

const count = Number(process.env.ATTESTA_EVENTS ?? 10);
const bus = new EventBus();
const producer = new WebhookProducer(bus, endpoints, redis);

for (let n = 0; n < count; n++) {
  // emit() returns at once: the producer writes to Redis in the background.
  bus.emit({
    type: "approved",
    data: {
      agent_id: "agent-billing-7",
      action_name: "issue_refund",
      risk_score: 0.34,
      risk_level: "medium",
      reason: `Refund ${n + 1} of ${count}`,
    },
  });
}

// On shutdown, close() writes what is still buffered (or reports it at the deadline).
const { undelivered, stats } = await producer.close({ deadlineMs: 10_000 });
console.log(`Enqueued ${stats.persisted} deliveries; ${undelivered.length} unsent.`);
process.exitCode = undelivered.length === 0 ? 0 : 1;
