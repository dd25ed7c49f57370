import type { Responder } from "@attesta/test-support";
import { defer, startTestReceiver, until } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import { type DistributedEndpointConfig, WebhookQueues } from "../../src/bullmq/index";
import { sampleData } from "../support/events";
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

describe("WebhookQueues.admin past 1,000 jobs", () => {
  it("pages every one of 1,200 dead letters by keyset, filters them, and counts them per minute", async () => {
    const receiver = await startTestReceiver((_req, res) => res.writeHead(500).end());
    const options = { connection: redis.url, prefix: redis.freshPrefix() };
    const endpoints: DistributedEndpointConfig[] = ["billing", "audit"].map((id) => ({
      id,
      url: receiver.url,
      retryCount: 0,
      circuitBreaker: { consecutiveFailures: 100_000, minimumAttempts: 100_000 },
    }));
    await startWorkers(endpoints, options);
    const { bus } = openProducer(endpoints, options);
    const admin = openQueues(endpoints, options).admin();
    const EVENTS = 600;
    for (let i = 0; i < EVENTS; i++)
      bus.emit({ type: i % 3 ? "denied" : "approved", data: sampleData("denied", i) });
    await until(() => receiver.requests.length === EVENTS * 2, 60_000, 20);
    const walk = async (query: Parameters<typeof admin.deliveries>[0]) => {
      const seen: { id: string; settledAt: number }[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 50; page++) {
        const result = await admin.deliveries({ ...query, ...(cursor ? { cursor } : {}) });
        seen.push(...result.items.map((d) => ({ id: d.id, settledAt: d.settledAt ?? 0 })));
        cursor = result.nextCursor;
        if (cursor === undefined) break;
      }
      return seen;
    };
    await until(
      async () => (await walk({ status: "dead", limit: 500 })).length === 1200,
      30_000,
      100,
    );
    const dead = await walk({ status: "dead", limit: 500 });
    expect(new Set(dead.map((d) => d.id)).size).toBe(1200);
    const times = dead.map((d) => d.settledAt);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    // Without a status: pending first (none left), then every settled job.
    expect((await walk({ limit: 300 })).length).toBe(1200);
    expect((await walk({ endpoints: ["audit"], event: "approved", limit: 50 })).length).toBe(200);
    const minutes = await admin.stats({ since: Date.now() - 600_000, until: Date.now() + 1 });
    expect(minutes.reduce((sum, m) => sum + m.failed, 0)).toBe(1200);
    expect(
      await admin.retry({ endpoints: ["audit"], event: "approved", status: "delivered" }),
    ).toBe(0);
    // Bulk actions reach every dead letter too, not a window of the newest.
    expect(await admin.recover({ since: 0 })).toBe(1200);
    await until(() => receiver.requests.length === EVENTS * 4, 60_000, 20);
  });
});
