// The endpoints and Redis settings every producer and worker share: ids name the queues.
import type { DistributedEndpointConfig } from "@attesta/webhooks/bullmq";

const secret = process.env.ATTESTA_WEBHOOK_SECRET;
if (!secret) throw new Error("Set ATTESTA_WEBHOOK_SECRET to the secret the receiver expects.");

export const endpoints: DistributedEndpointConfig[] = [
  {
    id: "receiver",
    url: process.env.ATTESTA_WEBHOOK_URL ?? "http://127.0.0.1:3000/webhooks/attesta",
    secret,
    events: ["approved", "denied", "escalated"],
    concurrency: 10, // in flight at once for this endpoint, over all workers together
    retryCount: 5,
  },
];

export const redis = {
  connection: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
  prefix: process.env.ATTESTA_QUEUE_PREFIX ?? "attesta",
};
