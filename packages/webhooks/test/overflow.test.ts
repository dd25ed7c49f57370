import { EventBus } from "@attesta/events";
import { defer, startTestReceiver } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import { type DroppedEvent, toWebhookPayload, WebhookDispatcher } from "../src/index";
import { sampleData, tagOf } from "./support/events";

/** A receiver that holds every response until the test releases them. */
async function gatedReceiver() {
  const held: (() => void)[] = [];
  let open = false;
  const receiver = await startTestReceiver((_req, res) => {
    const answer = () => res.writeHead(200).end();
    if (open) answer();
    else held.push(answer);
  });
  return {
    receiver,
    release: () => {
      open = true;
      for (const answer of held.splice(0)) answer();
    },
  };
}

describe("queue overflow", () => {
  it("drops the oldest event when the queue is full (the default)", async () => {
    const { receiver, release } = await gatedReceiver();
    const drops: DroppedEvent[] = [];
    const warnings: string[] = [];
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [{ url: receiver.url, concurrency: 1, maxQueueSize: 3 }],
      {
        logger: { warn: (message) => warnings.push(message), error: () => {} },
        onDrop: (drop) => drops.push(drop),
      },
    );
    defer(() => dispatcher.close({ deadlineMs: 1000 }));
    // Event 0 goes in flight and blocks; the queue then holds 3 of the remaining 9.
    bus.emit({ type: "approved", data: sampleData("approved", 0) });
    await receiver.waitForRequests(1);
    for (let n = 1; n < 10; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });

    expect(
      drops.map((drop) => (drop.event.data as { metadata: { n: number } }).metadata.n),
    ).toEqual([1, 2, 3, 4, 5, 6]);
    expect(drops.map((drop) => drop.dropped)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(drops.every((drop) => drop.reason === "queue_full" && drop.url === receiver.url)).toBe(
      true,
    );
    expect(dispatcher.stats()).toMatchObject({ dropped: 6, queued: 3, inFlight: 1, enqueued: 10 });

    const flushed = dispatcher.flush();
    release();
    await flushed;
    expect(receiver.requests.map((r) => tagOf(r.body))).toEqual([0, 7, 8, 9]);
    const report = await dispatcher.close();
    expect(report.stats).toMatchObject({ delivered: 4, dropped: 6, failed: 0 });
    expect(
      warnings.some(
        (message) => message.includes("dropped 6 event(s)") && message.includes("drop-oldest"),
      ),
    ).toBe(true);
  });

  it("refuses the newest event when overflow is drop-newest", async () => {
    const { receiver, release } = await gatedReceiver();
    const drops: DroppedEvent[] = [];
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [{ url: receiver.url, concurrency: 1, maxQueueSize: 3, overflow: "drop-newest" }],
      {
        logger: null,
        onDrop: (drop) => drops.push(drop),
      },
    );
    defer(() => dispatcher.close({ deadlineMs: 1000 }));
    bus.emit({ type: "approved", data: sampleData("approved", 0) });
    await receiver.waitForRequests(1);
    for (let n = 1; n < 10; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });

    expect(
      drops.map((drop) => (drop.event.data as { metadata: { n: number } }).metadata.n),
    ).toEqual([4, 5, 6, 7, 8, 9]);
    expect(dispatcher.stats()).toMatchObject({ dropped: 6, queued: 3, enqueued: 4 });
    const flushed = dispatcher.flush();
    release();
    await flushed;
    expect(receiver.requests.map((r) => tagOf(r.body))).toEqual([0, 1, 2, 3]);
  });

  it("hands the dropped event over so its payload can be kept", async () => {
    const { receiver } = await gatedReceiver();
    const kept: string[] = [];
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [{ url: receiver.url, concurrency: 1, maxQueueSize: 1 }],
      {
        logger: null,
        onDrop: (drop) => kept.push(JSON.stringify(toWebhookPayload(drop.event))),
      },
    );
    defer(() => dispatcher.close({ deadlineMs: 0 }));
    bus.emit({ type: "denied", timestamp: 0, data: sampleData("denied", 0) });
    await receiver.waitForRequests(1);
    bus.emit({ type: "denied", timestamp: 1000, data: sampleData("denied", 1) });
    bus.emit({ type: "denied", timestamp: 2000, data: sampleData("denied", 2) });
    expect(kept).toHaveLength(1);
    expect(JSON.parse(kept[0] ?? "")).toMatchObject({
      event: "DENIED",
      timestamp: "1970-01-01T00:00:01.000+00:00",
      data: { metadata: { n: 1 } },
    });
  });

  it("keeps emit working when the onDrop hook throws", async () => {
    const { receiver } = await gatedReceiver();
    const errors: string[] = [];
    const bus = new EventBus({ onError: () => errors.push("bus saw an error") });
    const dispatcher = new WebhookDispatcher(
      bus,
      [{ url: receiver.url, concurrency: 1, maxQueueSize: 1 }],
      {
        logger: { warn: () => {}, error: (message) => errors.push(message) },
        onDrop: () => {
          throw new Error("hook failure");
        },
      },
    );
    defer(() => dispatcher.close({ deadlineMs: 0 }));
    bus.emit({ type: "approved", data: sampleData("approved", 0) });
    await receiver.waitForRequests(1);
    bus.emit({ type: "approved", data: sampleData("approved", 1) });
    bus.emit({ type: "approved", data: sampleData("approved", 2) });
    // Not logged on emit's stack: reported once per second with a count.
    expect(errors).toEqual([]);
    expect(dispatcher.stats().dropped).toBe(1);
    await dispatcher.close({ deadlineMs: 0 });
    expect(errors).toEqual(["onDrop hook threw 1 time(s) in the last second"]);
  });

  it("keeps memory bounded: a hanging endpoint never holds more than maxQueueSize events", async () => {
    const { receiver } = await gatedReceiver();
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [{ url: receiver.url, concurrency: 2, maxQueueSize: 100 }],
      { logger: null },
    );
    defer(() => dispatcher.close({ deadlineMs: 0 }));
    for (let n = 0; n < 50_000; n++)
      bus.emit({ type: "approved", data: sampleData("approved", n) });
    await receiver.waitForRequests(2);
    for (let n = 0; n < 50_000; n++)
      bus.emit({ type: "approved", data: sampleData("approved", n) });
    const stats = dispatcher.stats();
    expect(stats.queued).toBe(100);
    expect(stats.inFlight).toBe(2);
    expect(stats.dropped).toBe(100_000 - 102);
  });
});
