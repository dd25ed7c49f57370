import { EventBus } from "@attesta/events";
import type { ReceivedRequest, Responder } from "@attesta/test-support";
import { defer, startTestReceiver, until } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import {
  type DistributedEndpointConfig,
  startWebhookWorkers,
  WebhookProducer,
  WebhookQueues,
} from "../../src/bullmq/index";
import { sampleData, tagOf } from "../support/events";
import { openProducer } from "./support/distributed";
import { startPrivateRedis } from "./support/redis";
import { useSharedRedis } from "./support/redis-fixture";
import { startWorkerProcess, type WorkerProcess } from "./support/worker-process";

const redis = await useSharedRedis();

function freshPrefix(): string {
  const prefix = redis.freshPrefix();
  return prefix;
}

const slow =
  (ms: number): Responder =>
  (_req, res) =>
    void setTimeout(() => res.writeHead(204).end(), ms);

/** Checks that every tag 0..count-1 arrived, each under one delivery id only. */
function expectEveryTagOnce(requests: readonly ReceivedRequest[], count: number): number {
  const idsByTag = new Map<number, Set<string>>();
  for (const request of requests) {
    const tag = tagOf(request.body);
    const ids = idsByTag.get(tag) ?? new Set();
    ids.add(String(request.headers["x-attesta-delivery"]));
    idsByTag.set(tag, ids);
  }
  expect([...idsByTag.keys()].sort((a, b) => a - b)).toEqual([...Array(count).keys()]);
  for (const ids of idsByTag.values()) expect(ids.size).toBe(1);
  return requests.length - count;
}

function emitTagged(bus: EventBus, from: number, to: number): void {
  for (let n = from; n < to; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
}

async function startWorkers(count: number, spec: Parameters<typeof startWorkerProcess>[0]) {
  const workers: WorkerProcess[] = await Promise.all(
    Array.from({ length: count }, () => startWorkerProcess(spec)),
  );
  defer(async () => {
    await Promise.all(workers.map((worker) => worker.kill("SIGTERM")));
  });
  return workers;
}

describe("@attesta/webhooks/bullmq faults", () => {
  it("a producer and 3 worker processes, one SIGKILLed mid-run: everything delivered", async () => {
    const prefix = freshPrefix();
    const receiver = await startTestReceiver(slow(30));
    const endpoints: DistributedEndpointConfig[] = [
      { id: "crash", url: receiver.url, concurrency: 6, retryCount: 5, retryBaseDelayMs: 20 },
    ];
    const spec = {
      connection: redis.url,
      prefix,
      endpoints,
      lockDurationMs: 1500,
      stalledIntervalMs: 500,
    };
    const workers = await startWorkers(3, spec);
    const { bus, producer } = openProducer(endpoints, { connection: redis.url, prefix });
    const queues = new WebhookQueues(endpoints, { connection: redis.url, prefix });
    defer(() => queues.close());

    // Large enough that the kill lands well before half of it, even on a loaded machine.
    const total = 300;
    emitTagged(bus, 0, total);
    await producer.persisted();
    await receiver.waitForRequests(40);
    expect(await workers[0]?.kill("SIGKILL")).toBe(null);
    // Mid-run: most of the work is still ahead.
    expect((await queues.stats()).delivered).toBeLessThan(total / 2);
    expect(workers[0]?.child.signalCode).toBe("SIGKILL");

    await until(async () => (await queues.stats()).delivered === total, 60_000, 100);
    const stats = await queues.stats();
    expect(stats).toMatchObject({ waiting: 0, active: 0, retrying: 0, dead: 0, delivered: total });
    // Requests that reached the receiver but whose completion died with the worker may come
    // again, under the same delivery id: at-least-once, never lost.
    expectEveryTagOnce(receiver.requests, total);
  }, 90_000);

  it("the job of a SIGKILLed worker is picked up by another after its lock expires", async () => {
    const prefix = freshPrefix();
    // The first request is never answered: the worker dies with it in flight.
    const receiver = await startTestReceiver((_req, res, index) => {
      if (index > 0) res.writeHead(204).end();
    });
    const endpoints: DistributedEndpointConfig[] = [
      { id: "handover", url: receiver.url, timeoutMs: 60_000 },
    ];
    const spec = {
      connection: redis.url,
      prefix,
      endpoints,
      lockDurationMs: 1000,
      stalledIntervalMs: 300,
    };
    const [first] = await startWorkers(1, spec);
    const { bus } = openProducer(endpoints, { connection: redis.url, prefix });
    const queues = new WebhookQueues(endpoints, { connection: redis.url, prefix });
    defer(() => queues.close());

    bus.emit({ type: "approved", data: sampleData("approved", 7) });
    await receiver.waitForRequests(1);
    await first?.kill("SIGKILL");
    await startWorkers(1, spec);
    await until(() => receiver.requests.length === 2, 20_000);
    const [lost, again] = receiver.requests;
    expect(again?.headers["x-attesta-delivery"]).toBe(lost?.headers["x-attesta-delivery"]);
    expect(again?.body.equals(lost?.body ?? Buffer.alloc(0))).toBe(true);
    const id = String(lost?.headers["x-attesta-delivery"]);
    await until(async () => (await queues.get(id))?.status === "delivered", 10_000, 25);
    const record = await queues.get(id);
    expect(record?.attemptLog.at(-1)).toMatchObject({
      attempt: 2,
      status: 204,
      result: "delivered",
    });
  }, 60_000);

  it("Redis restarted mid-run: workers and producer reconnect and deliver everything", async () => {
    const server = await startPrivateRedis();
    defer(() => server.destroy());
    const prefix = "restart";
    const receiver = await startTestReceiver(slow(10));
    const endpoints: DistributedEndpointConfig[] = [
      { id: "restart", url: receiver.url, concurrency: 4, retryCount: 5, retryBaseDelayMs: 20 },
    ];
    const spec = {
      connection: server.url,
      prefix,
      endpoints,
      lockDurationMs: 3000,
      stalledIntervalMs: 1000,
    };
    await startWorkers(2, spec);
    const { bus, producer } = openProducer(endpoints, { connection: server.url, prefix });

    emitTagged(bus, 0, 100);
    await producer.persisted();
    await receiver.waitForRequests(20);
    await server.stop();
    // Emitted while Redis is away: the producer holds them and writes them after the restart.
    emitTagged(bus, 100, 200);
    await until(() => producer.stats().writeErrors > 0, 10_000);
    await server.start();

    await until(() => producer.stats().persisted === 200, 30_000);
    const queues = new WebhookQueues(endpoints, { connection: server.url, prefix });
    defer(() => queues.close());
    await until(async () => (await queues.stats()).delivered >= 200, 60_000, 100);
    const stats = await queues.stats();
    expect(stats).toMatchObject({ waiting: 0, active: 0, retrying: 0, dead: 0 });
    expectEveryTagOnce(receiver.requests, 200);

    // Again with idle workers blocked on Redis: the case where workers once stayed stuck.
    await server.stop();
    await new Promise((resolve) => setTimeout(resolve, 500));
    await server.start();
    emitTagged(bus, 200, 250);
    await until(async () => (await queues.stats()).delivered >= 250, 60_000, 100);
    expectEveryTagOnce(receiver.requests, 250);
  }, 120_000);

  it("graceful close finishes in-flight deliveries within the deadline", async () => {
    const prefix = freshPrefix();
    const receiver = await startTestReceiver(slow(300));
    const endpoints: DistributedEndpointConfig[] = [{ id: "drain", url: receiver.url }];
    const options = { connection: redis.url, prefix };
    const workers = await startWebhookWorkers(endpoints, { ...options, logger: null });
    const bus = new EventBus();
    const producer = new WebhookProducer(bus, endpoints, { ...options, logger: null });
    defer(() => producer.close({ deadlineMs: 1000 }));
    const queues = new WebhookQueues(endpoints, options);
    defer(() => queues.close());
    emitTagged(bus, 0, 3);
    await receiver.waitForRequests(3);
    const report = await workers.close({ deadlineMs: 10_000 });
    expect(report).toEqual({ timedOut: false, handedBack: 0 });
    expect(await queues.stats()).toMatchObject({ delivered: 3, active: 0, waiting: 0 });
  }, 30_000);

  it("at the close deadline, in-flight deliveries are handed back and delivered by another worker", async () => {
    const prefix = freshPrefix();
    let answer = false;
    const receiver = await startTestReceiver((_req, res) => {
      if (answer) res.writeHead(204).end();
    });
    const endpoints: DistributedEndpointConfig[] = [
      { id: "handback", url: receiver.url, timeoutMs: 60_000, retryCount: 0 },
    ];
    const options = { connection: redis.url, prefix };
    const first = await startWebhookWorkers(endpoints, { ...options, logger: null });
    const bus = new EventBus();
    const producer = new WebhookProducer(bus, endpoints, { ...options, logger: null });
    defer(() => producer.close({ deadlineMs: 1000 }));
    const queues = new WebhookQueues(endpoints, options);
    defer(() => queues.close());
    emitTagged(bus, 0, 2);
    await receiver.waitForRequests(2);
    const report = await first.close({ deadlineMs: 200 });
    expect(report).toEqual({ timedOut: true, handedBack: 2 });
    expect(await queues.stats()).toMatchObject({ waiting: 2, active: 0, dead: 0 });

    answer = true;
    const second = await startWebhookWorkers(endpoints, { ...options, logger: null });
    defer(() => second.close({ deadlineMs: 1000 }));
    await until(async () => (await queues.stats()).delivered === 2, 10_000, 25);
    expectEveryTagOnce(receiver.requests, 2);
    expect(receiver.requests).toHaveLength(4);
  }, 30_000);
});
