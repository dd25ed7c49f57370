import type { Responder } from "@attesta/test-support";
import { startTestReceiver, until } from "@attesta/test-support";
import { verifySignature } from "@attesta/verify";
import { describe, expect, it } from "vitest";
import type { DistributedEndpointConfig } from "../../src/bullmq/index";
import type { DeadLetter, DeliveryAttempt } from "../../src/index";
import { sampleData } from "../support/events";
import { openProducer, openQueues, startWorkers } from "./support/distributed";
import { useSharedRedis } from "./support/redis-fixture";

const redis = await useSharedRedis();

/** A producer, a worker set and an admin view on one fresh prefix. */
async function cluster(responder: Responder, config: Partial<DistributedEndpointConfig> = {}) {
  const prefix = redis.freshPrefix();
  const receiver = await startTestReceiver(responder);
  const endpoints: DistributedEndpointConfig[] = [
    { id: "main", url: receiver.url, secret: "whsec_test", retryBaseDelayMs: 20, ...config },
  ];
  const attempts: DeliveryAttempt[] = [];
  const letters: DeadLetter[] = [];
  const options = { connection: redis.url, prefix };
  const workers = await startWorkers(endpoints, options, 1000, {
    onAttempt: (attempt) => attempts.push(attempt),
    onDeadLetter: (letter) => letters.push(letter),
  });
  const { bus, producer } = openProducer(endpoints, options);
  const queues = openQueues(endpoints, options);
  return { receiver, attempts, letters, bus, producer, queues, workers };
}

const status =
  (codes: number[], headers: Record<string, string> = {}): Responder =>
  (_req, res, index) =>
    res.writeHead(codes[Math.min(index, codes.length - 1)] ?? 204, headers).end();

describe("@attesta/webhooks/bullmq delivery semantics", () => {
  it("delivers signed, with one delivery id across retries, and records every attempt", async () => {
    const { receiver, bus, queues, attempts, workers } = await cluster(status([500, 503, 204]), {
      retryCount: 3,
    });
    bus.emit({ type: "approved", data: sampleData("approved") });
    await until(() => attempts.some((attempt) => attempt.ok), 10_000);
    expect(receiver.requests).toHaveLength(3);
    const ids = new Set(receiver.requests.map((req) => req.headers["x-attesta-delivery"]));
    expect(ids.size).toBe(1);
    const [request] = receiver.requests;
    expect(request?.headers["x-attesta-event"]).toBe("approved");
    expect(
      verifySignature(
        request?.body ?? Buffer.alloc(0),
        request?.headers["x-attesta-signature"] as string,
        "whsec_test",
      ),
    ).toBe(true);
    expect(JSON.parse(request?.body.toString() ?? "{}").event).toBe("APPROVED");
    const id = [...ids][0] as string;
    // onAttempt runs before the worker completes the job in Redis.
    await until(async () => (await queues.get(id))?.status === "delivered", 10_000, 25);
    const record = await queues.get(id);
    expect(record?.attemptLog.map((entry) => [entry.attempt, entry.status, entry.result])).toEqual([
      [1, 500, "retry"],
      [2, 503, "retry"],
      [3, 204, "delivered"],
    ]);
    expect(Buffer.from(record?.body ?? []).equals(request?.body ?? Buffer.alloc(0))).toBe(true);
    await until(async () => (await queues.stats()).delivered === 1, 10_000, 25);
    const stats = await queues.stats();
    expect(stats).toMatchObject({ delivered: 1, failedAttempts: 2, dead: 0, waiting: 0 });
    // This process's own counters, in the local dispatcher's shape.
    expect(workers.stats()).toMatchObject([
      { id: "main", attempts: 3, retries: 2, delivered: 1, failed: 0, inFlight: 0 },
    ]);
  });

  it("waits as Retry-After says, capped by retryMaxDelayMs", async () => {
    const honoured = await cluster(status([429, 204], { "retry-after": "1" }), {
      retryCount: 1,
      retryMaxDelayMs: 30_000,
      // Only Retry-After sets this wait: no 5 s floor after a 429.
      overloadDelayMs: 0,
    });
    const capped = await cluster(status([503, 204], { "retry-after": "120" }), {
      retryCount: 1,
      retryMaxDelayMs: 300,
    });
    honoured.bus.emit({ type: "approved", data: sampleData("approved") });
    capped.bus.emit({ type: "denied", data: sampleData("denied") });
    await until(() => honoured.attempts.some((attempt) => attempt.ok), 10_000);
    await until(() => capped.attempts.some((attempt) => attempt.ok), 10_000);
    expect(honoured.attempts[0]).toMatchObject({ status: 429, willRetry: true, retryInMs: 1000 });
    const [first, second] = honoured.receiver.requests;
    // Retry-After, not the 20 ms backoff base, set the wait (lower bound only: never a tight timing).
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(900);
    expect(capped.attempts[0]).toMatchObject({ status: 503, retryInMs: 300 });
  });

  it("dead-letters a rejected delivery, lists it, and redelivers it under the same id", async () => {
    let accept = false;
    // disableOnGone: false: a 410 then only rejects the delivery (by default the queue is paused).
    const { bus, queues, letters, receiver } = await cluster(
      (_req, res) => res.writeHead(accept ? 204 : 410).end(),
      { disableOnGone: false },
    );
    bus.emit({ type: "denied", data: sampleData("denied") });
    await until(() => letters.length === 1, 10_000);
    expect(letters[0]).toMatchObject({ reason: "rejected", attempts: 1, status: 410 });
    await until(async () => (await queues.deadLetters()).length === 1, 10_000, 25);
    const [dead] = await queues.deadLetters();
    expect(dead).toMatchObject({ status: "dead", deadReason: "rejected", event: "DENIED" });
    expect(dead?.id).toBe(letters[0]?.deliveryId);
    accept = true;
    expect(await queues.redeliver(dead?.id ?? "")).toBe(true);
    await until(() => receiver.requests.length === 2, 10_000);
    await until(async () => (await queues.get(dead?.id ?? ""))?.status === "delivered", 10_000, 25);
    const record = await queues.get(dead?.id ?? "");
    expect(record?.attemptLog.map((entry) => [entry.attempt, entry.status])).toEqual([
      [1, 410],
      [2, 204],
    ]);
    expect(new Set(receiver.requests.map((req) => req.headers["x-attesta-delivery"])).size).toBe(1);
    expect(await queues.redeliver(dead?.id ?? "")).toBe(false);
    expect((await queues.stats()).dead).toBe(0);
  });

  it("dead-letters after the last retry as exhausted", async () => {
    const { bus, letters, queues } = await cluster(status([500]), { retryCount: 2 });
    bus.emit({ type: "approved", data: sampleData("approved") });
    await until(() => letters.length === 1, 10_000);
    expect(letters[0]).toMatchObject({ reason: "exhausted", attempts: 3, status: 500 });
    await until(async () => (await queues.stats()).dead === 1, 10_000, 25);
    expect(await queues.stats()).toMatchObject({ dead: 1, deadTotal: 1, failedAttempts: 3 });
  });
});
