import { EventBus } from "@attesta/events";
import { defer, until } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import { WebhookProducer } from "../../src/bullmq/index";
import { sampleData } from "../support/events";
import { freePort, startPrivateRedis } from "./support/redis";

const ENDPOINT = { id: "owed", url: "http://127.0.0.1:9/hook" };

/** A producer whose warnings and producer.* events are recorded. */
function watchedProducer(connection: string) {
  const bus = new EventBus();
  const warnings: string[] = [];
  const events: { type: string; data: Record<string, unknown> }[] = [];
  const producer = new WebhookProducer(bus, [ENDPOINT], {
    connection,
    prefix: `attesta-failing-${process.pid}`,
    logger: { warn: (message: string) => warnings.push(message), error: () => undefined },
  });
  for (const type of ["producer.failing", "producer.recovered"] as const) {
    producer.events.on(type, ({ data }) => events.push({ type, data: { ...data } }));
  }
  defer(() => producer.close({ deadlineMs: 200 }));
  const emit = (n: number) => bus.emit({ type: "approved", data: sampleData("approved", n) });
  return { producer, warnings, events, emit };
}

const failingWithin = async (events: { type: string }[], count: number) =>
  // "At once": well under the 3 s of silence this replaced, with room for a loaded machine.
  until(() => events.filter((e) => e.type === "producer.failing").length >= count, 2500);

describe("@attesta/webhooks/bullmq producer write failures", () => {
  it("reports a Redis that is down at start at once: stats, one event, one warning per stretch", async () => {
    const port = await freePort();
    const { producer, warnings, events, emit } = watchedProducer(
      `redis://app:s3cret@127.0.0.1:${port}`,
    );
    emit(0);
    await failingWithin(events, 1);
    expect(producer.stats().writeErrors).toBeGreaterThanOrEqual(1);
    expect(events[0]?.data).toMatchObject({ redis: `redis://app:***@127.0.0.1:${port}` });
    expect(JSON.stringify(events)).not.toContain("s3cret");
    // Later failures of the same stretch are counted, not reported again.
    await until(() => producer.stats().writeErrors >= 3, 5000);
    emit(1);
    expect(events.filter((e) => e.type === "producer.failing")).toHaveLength(1);
    expect(warnings.filter((w) => w.includes("failed"))).toHaveLength(1);
    expect(producer.stats().buffered).toBe(2);
  });

  it("a private redis-server: down at start, up (recovered), killed again (a new stretch)", async () => {
    const redis = await startPrivateRedis();
    defer(() => redis.destroy());
    await redis.stop();
    const { producer, warnings, events, emit } = watchedProducer(redis.url);
    emit(0);
    await failingWithin(events, 1);
    expect(producer.stats().writeErrors).toBeGreaterThanOrEqual(1);

    await redis.start();
    await until(() => events.some((e) => e.type === "producer.recovered"), 15_000);
    await producer.persisted();
    expect(producer.stats()).toMatchObject({ persisted: 1, buffered: 0 });
    const recovered = events.find((e) => e.type === "producer.recovered")?.data;
    expect(recovered?.writeErrors).toBe(producer.stats().writeErrors);
    expect(warnings.some((w) => w.includes("works again"))).toBe(true);

    await redis.stop();
    const before = producer.stats().writeErrors;
    emit(1);
    await failingWithin(events, 2);
    expect(producer.stats().writeErrors).toBeGreaterThan(before);
    expect(events.map((e) => e.type)).toEqual([
      "producer.failing",
      "producer.recovered",
      "producer.failing",
    ]);
  });
});
