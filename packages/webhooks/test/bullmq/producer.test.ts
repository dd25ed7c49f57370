import { EventBus } from "@attesta/events";
import { describe, expect, it } from "vitest";
import { WebhookProducer } from "../../src/bullmq/index";
import { type DeadLetter, DispatcherClosedError, type DroppedEvent } from "../../src/index";
import { sampleData } from "../support/events";
import { freePort } from "./support/redis";

describe("@attesta/webhooks/bullmq producer", () => {
  it("requires an id per endpoint and names the fix", () => {
    expect(
      () =>
        new WebhookProducer(new EventBus(), [{ url: "http://127.0.0.1:9/hook" }] as never, {
          connection: "redis://127.0.0.1:6379",
        }),
    ).toThrow(/config\[0\]\.id must be set in the distributed mode.*Fix: give every endpoint/);
  });

  it("while Redis is unreachable, holds maxQueueSize per endpoint, drops the rest and reports the unsent at close", async () => {
    const port = await freePort();
    const bus = new EventBus();
    const drops: DroppedEvent[] = [];
    const letters: DeadLetter[] = [];
    const producer = new WebhookProducer(
      bus,
      [{ id: "held", url: "http://127.0.0.1:9/hook", maxQueueSize: 5, overflow: "drop-newest" }],
      {
        connection: `redis://127.0.0.1:${port}`,
        logger: null,
        onDrop: (drop) => drops.push(drop),
        onDeadLetter: (letter) => letters.push(letter),
      },
    );
    for (let n = 0; n < 8; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
    expect(drops.map((drop) => [drop.reason, drop.endpointId])).toEqual([
      ["queue_full", "held"],
      ["queue_full", "held"],
      ["queue_full", "held"],
    ]);
    const report = await producer.close({ deadlineMs: 300 });
    expect(report.timedOut).toBe(true);
    expect(report.undelivered.map((letter) => letter.reason)).toEqual(Array(5).fill("closed"));
    expect(new Set(report.undelivered.map((letter) => letter.deliveryId)).size).toBe(5);
    expect(report.undelivered.map((letter) => letter.payload.data)).toEqual(
      [0, 1, 2, 3, 4].map((n) => sampleData("approved", n)),
    );
    expect(letters).toHaveLength(5);
    expect(report.stats).toMatchObject({
      persisted: 0,
      buffered: 0,
      endpoints: [{ id: "held", enqueued: 5, dropped: 3 }],
    });
    // After close, nothing is taken.
    const late = { type: "approved", timestamp: Date.now(), data: sampleData("approved", 9) };
    expect(() => producer.dispatch(late)).toThrow(DispatcherClosedError);
  });
});
