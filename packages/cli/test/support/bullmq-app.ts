/**
 * BullMQ workers and a producer on a real Redis for the `--redis` tests:
 * endpoint "crm" at `url`, with no retries, and the three verdicts emitted
 * (approved, denied, denied), under a prefix of the test run's own.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { EventBus, type VerdictData } from "@attesta/events";
import { startWebhookWorkers, WebhookProducer } from "@attesta/webhooks/bullmq";

/** Starts both, emits the verdicts, and adds their closing to `closers` (workers last). */
export async function startBullmqApp(
  redisUrl: string,
  prefix: string,
  url: string,
  closers: (() => Promise<unknown>)[],
): Promise<void> {
  const endpoints = [{ id: "crm", url, secret: "whsec_bullmq_app", retryCount: 0 }];
  const options = { connection: redisUrl, prefix, logger: null };
  const workers = await startWebhookWorkers(endpoints, options);
  closers.push(() => workers.close({ deadlineMs: 1000 }));
  const bus = new EventBus();
  const producer = new WebhookProducer(bus, endpoints, options);
  closers.push(() => producer.close({ deadlineMs: 1000 }));
  const data: VerdictData = {
    agent_id: "a",
    action_name: "deploy",
    risk_score: 0.4,
    risk_level: "medium",
  };
  for (const type of ["approved", "denied", "denied"] as const) bus.emit({ type, data });
}

/** Deletes every key under the run's prefix, nothing else. */
export async function dropRedisPrefix(redisUrl: string, prefix: string): Promise<void> {
  const cleanup = spawn("sh", [
    "-c",
    `redis-cli -u "$1" --scan --pattern "$2:*" | xargs -r redis-cli -u "$1" del > /dev/null`,
    "sh",
    redisUrl,
    prefix,
  ]);
  await once(cleanup, "close");
}
