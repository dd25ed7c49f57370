import { EventBus } from "@attesta/events";
import { describe, expect, it } from "vitest";
import {
  type DistributedEndpointConfig,
  startWebhookWorkers,
  WebhookProducer,
  WebhookQueues,
  type WebhookWorkersOptions,
} from "../../src/bullmq/index";
import type { DeadLetter } from "../../src/index";
import { defer } from "../support/cleanup";
import { sampleData } from "../support/events";
import type { Responder } from "../support/receiver";
import { startTestReceiver } from "../support/test-receiver";
import { until } from "../support/until";
import { openProducer, openQueues } from "./support/distributed";
import { useSharedRedis } from "./support/redis-fixture";

const redis = await useSharedRedis();
const noContent: Responder = (_req, res) => res.writeHead(204).end();

async function workersFor(
  endpoints: DistributedEndpointConfig[],
  prefix: string,
  options: Partial<WebhookWorkersOptions> = {},
) {
  const workers = await startWebhookWorkers(endpoints, {
    connection: redis.url,
    prefix,
    logger: null,
    ...options,
  });
  defer(() => workers.close({ deadlineMs: 1000 }));
  return workers;
}

function producerFor(endpoints: DistributedEndpointConfig[], prefix: string): EventBus {
  return openProducer(endpoints, { connection: redis.url, prefix }).bus;
}

describe("@attesta/webhooks/bullmq endpoint options", () => {
  const url = "http://127.0.0.1:9/hook";
  const unsupported: [Partial<DistributedEndpointConfig>, RegExp][] = [
    [{ disableAfterMs: 60_000 }, /config\[0\]\.disableAfterMs \(60000\) is not supported/],
    [{ ordered: true }, /config\[0\]\.ordered \(true\) is not supported/],
  ];

  it.each(unsupported)(
    "refuses %o in producers, workers and the admin view",
    async (option, message) => {
      const endpoints = [{ id: "main", url, ...option }];
      const options = { connection: redis.url, prefix: redis.freshPrefix(), logger: null };
      const house =
        /^@attesta\/webhooks\/bullmq: .* by BullMQ workers yet; .*\. Fix: .*use the local WebhookDispatcher\.$/;
      expect(() => new WebhookProducer(new EventBus(), endpoints, options)).toThrow(message);
      expect(() => new WebhookProducer(new EventBus(), endpoints, options)).toThrow(house);
      await expect(startWebhookWorkers(endpoints, options)).rejects.toThrow(message);
      expect(() => new WebhookQueues(endpoints, { connection: redis.url })).toThrow(message);
    },
  );

  it("accepts disableOnGone: false: a 410 dead-letters that delivery and the endpoint stays enabled", async () => {
    const prefix = redis.freshPrefix();
    const receiver = await startTestReceiver((_req, res, index) =>
      res.writeHead(index === 0 ? 410 : 204).end(),
    );
    const endpoints = [
      { id: "main", url: receiver.url, disableOnGone: false, retryCount: 2, retryBaseDelayMs: 10 },
    ];
    const letters: DeadLetter[] = [];
    await workersFor(endpoints, prefix, { onDeadLetter: (letter) => letters.push(letter) });
    const bus = producerFor(endpoints, prefix);
    bus.emit({ type: "approved", data: sampleData("approved", 0) });
    await until(() => letters.length === 1, 10_000);
    // Not retried, although retries were left.
    expect(letters[0]).toMatchObject({ reason: "rejected", attempts: 1, status: 410 });
    // The next event is still sent to the endpoint, which stays enabled.
    bus.emit({ type: "approved", data: sampleData("approved", 1) });
    await until(() => receiver.requests.length === 2, 10_000);
    const admin = openQueues(endpoints, { connection: redis.url, prefix }).admin();
    await until(async () => (await admin.endpoints())[0]?.lastSuccessAt !== undefined, 10_000, 25);
    expect((await admin.endpoints())[0]).toMatchObject({ id: "main", state: "enabled" });
  });

  it("refuses options a role would ignore, naming the ones it takes", async () => {
    const endpoints = [{ id: "main", url }];
    const connection = redis.url;
    expect(
      () =>
        new WebhookProducer(new EventBus(), endpoints, {
          connection,
          onAttempt: () => {},
        } as never),
    ).toThrow(
      /options\.onAttempt is not supported by WebhookProducer; .*Fix: remove it, or use one of connection, prefix/,
    );
    expect(
      () => new WebhookProducer(new EventBus(), endpoints, { connection, store: {} } as never),
    ).toThrow(/options\.store is not supported by WebhookProducer/);
    await expect(
      startWebhookWorkers(endpoints, { connection, onDrop: () => {} } as never),
    ).rejects.toThrow(/options\.onDrop is not supported by BullMQ workers/);
    expect(() => new WebhookQueues(endpoints, { connection, logger: null } as never)).toThrow(
      /options\.logger is not supported by WebhookQueues/,
    );
  });
});

describe("@attesta/webhooks/bullmq rateLimit", () => {
  it("holds across worker processes: two worker sets together stay under the rate", async () => {
    const prefix = redis.freshPrefix();
    const receiver = await startTestReceiver(noContent);
    const endpoints = [{ id: "limited", url: receiver.url, rateLimit: 10 }];
    await workersFor(endpoints, prefix);
    await workersFor(endpoints, prefix);
    const bus = producerFor(endpoints, prefix);
    for (let n = 0; n < 30; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
    await until(() => receiver.requests.length === 30, 15_000);
    const times = receiver.requests.map((request) => request.at);
    // Windows of 10 per second over the cluster: the third window opens ≥ 2 s after the first.
    // Per process, two worker sets would have sent all 30 within about a second.
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThanOrEqual(1800);
  }, 20_000);

  it("a rateLimit taken out of the configs is taken out of Redis at the next start", async () => {
    const prefix = redis.freshPrefix();
    const receiver = await startTestReceiver(noContent);
    const slow = await workersFor([{ id: "main", url: receiver.url, rateLimit: 0.2 }], prefix);
    await slow.close();
    const endpoints = [{ id: "main", url: receiver.url }];
    await workersFor(endpoints, prefix);
    const bus = producerFor(endpoints, prefix);
    for (let n = 0; n < 5; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
    // At 0.2/s these would take 20 s; the limit is gone, so they arrive at once.
    await until(() => receiver.requests.length === 5, 10_000);
  }, 20_000);
});

describe("@attesta/webhooks/bullmq job budget", () => {
  it("dead-letters as exhausted when the job's attempts run out before the worker's schedule", async () => {
    const prefix = redis.freshPrefix();
    const receiver = await startTestReceiver((_req, res) => res.writeHead(500).end());
    const base = { id: "main", url: receiver.url, retryBaseDelayMs: 10 };
    const letters: DeadLetter[] = [];
    // Workers restarted with more retries than the producer that enqueued the job gave it.
    await workersFor([{ ...base, retryCount: 5 }], prefix, {
      onDeadLetter: (letter) => letters.push(letter),
    });
    const bus = producerFor([{ ...base, retryCount: 1 }], prefix);
    bus.emit({ type: "approved", data: sampleData("approved") });
    await until(() => letters.length === 1, 10_000);
    expect(letters[0]).toMatchObject({ reason: "exhausted", attempts: 2, status: 500 });
    const queues = openQueues([base], { connection: redis.url, prefix });
    await until(async () => (await queues.stats()).dead === 1, 10_000, 25);
    expect(receiver.requests).toHaveLength(2);
  }, 20_000);
});
