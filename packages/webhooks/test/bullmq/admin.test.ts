import { describe, expect, it } from "vitest";
import { type DistributedEndpointConfig, WebhookQueues } from "../../src/bullmq/index";
import { defer } from "../support/cleanup";
import { sampleData } from "../support/events";
import type { Responder } from "../support/receiver";
import { startTestReceiver } from "../support/test-receiver";
import { until } from "../support/until";
import { openProducer, openQueues, startWorkers } from "./support/distributed";
import { useSharedRedis } from "./support/redis-fixture";

const redis = await useSharedRedis();

describe("WebhookQueues.admin", () => {
  it("pages jobs newest first, pauses an endpoint's queue, and redelivers dead letters in bulk", async () => {
    const state = { healthy: false };
    const responder: Responder = (_req, res) => res.writeHead(state.healthy ? 204 : 500).end();
    const receiver = await startTestReceiver(responder);
    const prefix = redis.freshPrefix();
    const options = { connection: redis.url, prefix };
    const endpoints: DistributedEndpointConfig[] = [
      {
        id: "billing",
        url: receiver.url,
        secret: "whsec_bullmq_admin",
        retryCount: 0,
        circuitBreaker: { consecutiveFailures: 1000, minimumAttempts: 1000 },
      },
    ];
    await startWorkers(endpoints, options);
    const { bus } = openProducer(endpoints, options);
    // Closing the queues after the test closes their admin too.
    const admin = openQueues(endpoints, options).admin();

    for (let i = 0; i < 5; i++) bus.emit({ type: "denied", data: sampleData("denied", i) });
    await until(() => receiver.requests.length === 5, 10_000);
    let dead: string[] = [];
    await until(
      async () => {
        dead = (await admin.deliveries({ status: "dead" })).items.map((d) => d.id);
        return dead.length === 5;
      },
      5000,
      50,
    );
    const first = await admin.deliveries({ status: "dead", limit: 2 });
    const second = await admin.deliveries({
      status: "dead",
      limit: 2,
      cursor: first.nextCursor as string,
    });
    expect([...first.items, ...second.items].map((d) => d.id)).toEqual(dead.slice(0, 4));
    expect(first.items[0]?.attemptLog.length).toBe(1);
    const [health] = await admin.endpoints();
    expect(health).toMatchObject({ id: "billing", failureRate: 1, state: "enabled", pending: 0 });

    const discovered = await WebhookQueues.discover(options);
    const found = discovered.admin();
    defer(() => found.close());
    expect((await found.endpoints()).map((e) => [e.id, e.url, e.events])).toEqual([
      ["billing", "", "unknown"],
    ]);
    expect((await found.deliveries({ status: "dead" })).items.map((d) => d.id)).toEqual(dead);
    await expect(WebhookQueues.discover({ ...options, prefx: "x" } as never)).rejects.toThrow(
      /Did you mean "prefix"/,
    );

    expect(await admin.disableEndpoint("billing")).toBe(true);
    expect((await admin.endpoints())[0]?.state).toBe("disabled");
    expect(await admin.enableEndpoint("billing")).toBe(true);
    await expect(admin.rotateSecret("billing", "whsec_new_secret_value")).rejects.toThrow(
      /workers/,
    );

    state.healthy = true;
    expect(await admin.redeliver(dead[0] as string)).toBe(true);
    expect(await admin.recover({ since: 0 })).toBe(4);
    await until(() => receiver.requests.length >= 10, 10_000);
    expect(receiver.requests).toHaveLength(10);
    const delivered = async () => {
      const minutes = await admin.stats({ since: Date.now() - 60_000, until: Date.now() + 1 });
      return minutes.reduce((sum, m) => sum + m.delivered, 0);
    };
    await until(async () => (await delivered()) >= 5, 5000, 50);
    expect(await delivered()).toBe(5);
  });
});
