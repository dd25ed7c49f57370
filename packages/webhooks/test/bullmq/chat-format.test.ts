/**
 * The BullMQ path honours `format`: the producer renders the chat message
 * once, workers sign and send those bytes, and the chat service's answers
 * are read (a Discord 429 waits as its body says).
 */
import { createHmac } from "node:crypto";
import { EventBus } from "@attesta/events";
import { describe, expect, it } from "vitest";
import {
  type DistributedEndpointConfig,
  startWebhookWorkers,
  WebhookProducer,
} from "../../src/bullmq/index";
import type { DeliveryAttempt } from "../../src/index";
import { ANSWERS, startChatReceiver } from "../support/chat-receiver";
import { defer } from "../support/cleanup";
import { sampleData } from "../support/events";
import { until } from "../support/until";
import { useSharedRedis } from "./support/redis-fixture";

const redis = await useSharedRedis();

describe("@attesta/webhooks/bullmq with a chat format", () => {
  it("sends the Discord message the service accepts, signed, and waits as Discord's retry_after says", async () => {
    const receiver = await startChatReceiver("discord", [ANSWERS.discord.rateLimited(1.2)]);
    const options = { connection: redis.url, prefix: redis.freshPrefix() };
    const endpoints: DistributedEndpointConfig[] = [
      {
        id: "discord",
        url: receiver.url,
        format: "discord",
        secret: "whsec_chat",
        overloadDelayMs: 0,
      },
    ];
    const attempts: DeliveryAttempt[] = [];
    const workers = await startWebhookWorkers(endpoints, {
      ...options,
      logger: null,
      onAttempt: (attempt) => attempts.push(attempt),
    });
    defer(() => workers.close({ deadlineMs: 1000 }));
    const bus = new EventBus();
    const producer = new WebhookProducer(bus, endpoints, { ...options, logger: null });
    defer(() => producer.close({ deadlineMs: 1000 }));
    bus.emit({ type: "denied", data: sampleData("denied") });
    await until(() => attempts.some((attempt) => attempt.ok), 15_000);
    expect(receiver.problems).toEqual([[], []]);
    const [first, second] = receiver.requests;
    expect(second?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
    expect(JSON.parse(second?.body.toString("utf8") ?? "")).toHaveProperty("embeds");
    const mac = createHmac("sha256", "whsec_chat")
      .update(second?.body ?? "")
      .digest("hex");
    expect(second?.headers["x-attesta-signature"]).toBe(`sha256=${mac}`);
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(1100);
    expect(JSON.stringify(attempts)).not.toContain("dSECRETd");
  });
});
