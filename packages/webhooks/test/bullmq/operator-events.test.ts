import { EventBus } from "@attesta/events";
import type { Responder } from "@attesta/test-support";
import { defer, startTestReceiver, until } from "@attesta/test-support";
import { afterAll, describe, expect, it } from "vitest";
import {
  type DistributedEndpointConfig,
  startWebhookWorkers,
  WebhookProducer,
} from "../../src/bullmq/index";
import type { DeliveryAttempt, DispatcherEvents } from "../../src/index";
import { sampleData } from "../support/events";
import { deletePrefix, sharedRedis, uniquePrefix } from "./support/redis";

const redis = await sharedRedis();
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deletePrefix(redis.url, prefix);
  await redis.close();
});

type Seen = {
  [K in keyof DispatcherEvents]: { type: K; data: DispatcherEvents[K] };
}[keyof DispatcherEvents];

async function cluster(
  responder: Responder,
  config: Partial<DistributedEndpointConfig>,
  workerOptions: { network?: { denyPrivate?: boolean } } = {},
) {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  const receiver = await startTestReceiver(responder);
  const endpoints: DistributedEndpointConfig[] = [
    { id: "ops", url: receiver.url, secret: "whsec_test", ...config },
  ];
  const options = { connection: redis.url, prefix };
  const attempts: DeliveryAttempt[] = [];
  const workers = await startWebhookWorkers(endpoints, {
    ...options,
    ...workerOptions,
    logger: null,
    onAttempt: (attempt) => attempts.push(attempt),
    onDeadLetter: () => {},
  });
  defer(() => workers.close({ deadlineMs: 1000 }));
  const seen: Seen[] = [];
  workers.events.onAny((event) => seen.push(event as Seen));
  const bus = new EventBus();
  const producer = new WebhookProducer(bus, endpoints, { ...options, logger: null });
  defer(() => producer.close({ deadlineMs: 1000 }));
  return { receiver, bus, seen, attempts };
}

describe("@attesta/webhooks/bullmq operator events", () => {
  it("reports failing, circuit changes, recovery and dead deliveries from the worker's breaker", async () => {
    let healthy = false;
    const { bus, seen, attempts, receiver } = await cluster(
      (_req, res) => res.writeHead(healthy ? 204 : 503).end(),
      {
        retryCount: 0,
        concurrency: 1,
        circuitBreaker: { consecutiveFailures: 2, openMs: 300 },
      },
    );
    bus.emit({ type: "approved", data: sampleData("approved", 0) });
    bus.emit({ type: "approved", data: sampleData("approved", 1) });
    const deadCount = () => seen.filter((event) => event.type === "delivery.dead").length;
    await until(() => deadCount() === 2, 10_000);
    const failing = seen.find((event) => event.type === "endpoint.failing");
    expect(failing?.data).toMatchObject({
      endpointId: "ops",
      consecutiveFailures: 2,
      lastFailure: { kind: "http_status", status: 503 },
    });
    expect(seen.some((event) => event.type === "endpoint.circuit_opened")).toBe(true);
    const dead = seen.filter((event) => event.type === "delivery.dead");
    expect(dead).toHaveLength(2);
    expect(dead[0]?.data).toMatchObject({
      endpointId: "ops",
      event: "APPROVED",
      reason: "exhausted",
      attempts: 1,
      lastFailure: { status: 503 },
    });
    // While the breaker is open the next delivery waits for the probe, then goes through.
    const requestsBefore = receiver.requests.length;
    healthy = true;
    bus.emit({ type: "approved", data: sampleData("approved", 2) });
    await until(() => seen.some((event) => event.type === "endpoint.recovered"), 10_000);
    expect(seen.some((event) => event.type === "endpoint.circuit_half_open")).toBe(true);
    expect(receiver.requests.length).toBe(requestsBefore + 1);
    // The postponed run is not an attempt: the probe is the delivery's first attempt.
    expect(attempts.at(-1)).toMatchObject({ ok: true, attempt: 1 });
  });

  it("applies the network policy: a private address is refused and dead as blocked_address", async () => {
    const { bus, seen, receiver } = await cluster(
      (_req, res) => res.writeHead(204).end(),
      { retryCount: 3 },
      { network: { denyPrivate: true } },
    );
    bus.emit({ type: "denied", data: sampleData("denied") });
    await until(() => seen.some((event) => event.type === "delivery.dead"), 10_000);
    const dead = seen.find((event) => event.type === "delivery.dead");
    expect(dead?.data).toMatchObject({
      reason: "blocked_address",
      attempts: 1,
      lastFailure: { kind: "blocked_address" },
    });
    expect(receiver.requests).toHaveLength(0);
  });

  it("refuses an invalid network option when the workers are created", async () => {
    await expect(
      startWebhookWorkers([{ id: "x", url: "https://example.com/hooks" }], {
        connection: redis.url,
        prefix: uniquePrefix(),
        network: { denyPrivate: "yes" as never },
      }),
    ).rejects.toThrow(/options\.network/);
  });
});
