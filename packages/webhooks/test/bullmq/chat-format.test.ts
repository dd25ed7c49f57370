/**
 * The BullMQ path honours `format`: the producer renders the chat message
 * once, workers sign and send those bytes, and the chat service's answers
 * are read (a Discord 429 waits as its body says).
 */
import { createHmac } from "node:crypto";
import { defer, startTestReceiver, until } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import { type DistributedEndpointConfig, WebhookQueues } from "../../src/bullmq/index";
import type { DeadLetter, DeliveryAttempt } from "../../src/index";
import { ANSWERS, startChatReceiver } from "../support/chat-receiver";
import { sampleData } from "../support/events";
import { openProducer, startWorkers } from "./support/distributed";
import { useSharedRedis } from "./support/redis-fixture";

const redis = await useSharedRedis();

/** Workers and a producer for `endpoints` on a fresh prefix, closed after the test. */
async function startPair(endpoints: DistributedEndpointConfig[]) {
  const options = { connection: redis.url, prefix: redis.freshPrefix() };
  const attempts: DeliveryAttempt[] = [];
  const letters: DeadLetter[] = [];
  await startWorkers(endpoints, options, 1000, { onAttempt: (attempt) => attempts.push(attempt) });
  const { bus } = openProducer(endpoints, options, {
    onDeadLetter: (letter) => letters.push(letter),
  });
  return { options, attempts, letters, bus };
}

describe("@attesta/webhooks/bullmq with a chat format", () => {
  it("sends the Discord message the service accepts, signed, and waits as Discord's retry_after says", async () => {
    const receiver = await startChatReceiver("discord", [ANSWERS.discord.rateLimited(1.2)]);
    const endpoints: DistributedEndpointConfig[] = [
      {
        id: "discord",
        url: receiver.url,
        format: "discord",
        secret: "whsec_chat",
        overloadDelayMs: 0,
      },
    ];
    const { attempts, bus } = await startPair(endpoints);
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

  it("carries a format function's content type and headers in the job, sends them with every attempt, and dead-letters a refused header", async () => {
    const receiver = await startTestReceiver((_req, res, index) => {
      res.writeHead(index === 0 ? 503 : 204).end();
    });
    const endpoints: DistributedEndpointConfig[] = [
      {
        id: "audit",
        url: receiver.url,
        secret: "whsec_chat",
        retryBaseDelayMs: 20,
        overloadDelayMs: 0,
        format: (payload) => ({
          body: `${payload.event} for the audit log`,
          contentType: "text/plain; charset=utf-8",
          headers:
            payload.event === "DENIED" ? { "x-team": "payments" } : { "webhook-id": "forged" },
        }),
      },
    ];
    const { attempts, letters, bus, options } = await startPair(endpoints);
    bus.emit({ type: "denied", data: sampleData("denied") });
    bus.emit({ type: "approved", data: sampleData("approved") });
    await until(() => attempts.some((attempt) => attempt.ok), 15_000);
    expect(letters.map((letter) => letter.reason)).toEqual(["format_failed"]);
    expect(String(letters[0]?.error?.message)).toContain("webhook-id");
    expect(receiver.requests).toHaveLength(2);
    for (const request of receiver.requests) {
      expect(request.headers["content-type"]).toBe("text/plain; charset=utf-8");
      expect(request.headers["x-team"]).toBe("payments");
      expect(request.body.toString("utf8")).toBe("DENIED for the audit log");
      const mac = createHmac("sha256", "whsec_chat").update(request.body).digest("hex");
      expect(request.headers["x-attesta-signature"]).toBe(`sha256=${mac}`);
    }
    const queues = new WebhookQueues(endpoints, options);
    defer(() => queues.close());
    const id = attempts.find((attempt) => attempt.ok)?.deliveryId ?? "";
    expect(await queues.get(id)).toMatchObject({
      status: "delivered",
      contentType: "text/plain; charset=utf-8",
      headers: { "x-team": "payments" },
    });
  });
});
