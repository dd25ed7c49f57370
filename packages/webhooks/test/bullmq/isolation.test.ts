import { startTestReceiver, until } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import type { DistributedEndpointConfig } from "../../src/bullmq/index";
import { sampleData } from "../support/events";
import { openProducer, openQueues, startWorkers } from "./support/distributed";
import { useSharedRedis } from "./support/redis-fixture";

const redis = await useSharedRedis();

describe("@attesta/webhooks/bullmq isolation", () => {
  it("a dead endpoint does not slow a healthy one, and its concurrency holds across workers", async () => {
    const prefix = redis.freshPrefix();
    // Accepts every request and never answers.
    const dead = await startTestReceiver(() => undefined);
    const healthy = await startTestReceiver();
    const endpoints: DistributedEndpointConfig[] = [
      { id: "dead", url: dead.url, concurrency: 2, timeoutMs: 30_000, retryCount: 0 },
      { id: "healthy", url: healthy.url, concurrency: 4 },
    ];
    const place = { connection: redis.url, prefix };
    // Two worker sets, each with local concurrency 2 for "dead": 4 without a cluster-wide limit.
    for (let i = 0; i < 2; i++) await startWorkers(endpoints, place, 200);
    const { bus } = openProducer(endpoints, place);
    const queues = openQueues(endpoints, place);

    for (let n = 0; n < 40; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
    await healthy.waitForRequests(40);
    await until(async () => (await queues.stats()).endpoints[1]?.delivered === 40, 10_000, 25);
    // Every healthy delivery finished while the dead endpoint's first attempts still hang.
    const stats = await queues.stats();
    expect(stats.endpoints[0]).toMatchObject({ delivered: 0, dead: 0, failedAttempts: 0 });
    await until(() => dead.requests.length >= 2);
    expect((await queues.stats()).endpoints[0]).toMatchObject({ active: 2, waiting: 38 });
    // Give extra workers time to overstep the limit, were it per process only:
    // the second worker set would then have taken its two jobs when they were
    // added, as the first did, and their requests cross loopback in
    // milliseconds, so 500 ms leaves a loaded machine a wide margin.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(dead.requests).toHaveLength(2);
  }, 30_000);
});
