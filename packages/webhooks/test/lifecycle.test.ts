import { type AddressInfo, createServer as createNetServer, type Socket } from "node:net";
import { EventBus } from "@attesta/events";
import type { Responder } from "@attesta/test-support";
import { defer, startTestReceiver, until } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import {
  type DeadLetter,
  DispatcherClosedError,
  type DroppedEvent,
  WebhookDispatcher,
} from "../src/index";
import { sampleData, tagOf } from "./support/events";

const slowOk: Responder = (_req, res) => {
  setTimeout(() => res.writeHead(200).end(), 5);
};

describe("flush()", () => {
  it("resolves once every event emitted before it has been delivered", async () => {
    const receiver = await startTestReceiver(slowOk);
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(bus, [{ url: receiver.url, concurrency: 4 }], {
      logger: null,
    });
    defer(() => dispatcher.close());
    for (let n = 0; n < 200; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
    await dispatcher.flush();
    expect(receiver.requests.map((r) => tagOf(r.body)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, n) => n),
    );
    expect(dispatcher.stats()).toMatchObject({
      enqueued: 200,
      delivered: 200,
      queued: 0,
      inFlight: 0,
    });
  });

  it("waits for deliveries that are between retries", async () => {
    const receiver = await startTestReceiver((_req, res, index) =>
      res.writeHead(index === 0 ? 500 : 200).end(),
    );
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(bus, [{ url: receiver.url, retryBaseDelayMs: 100 }], {
      logger: null,
    });
    defer(() => dispatcher.close());
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(2);
    expect(dispatcher.stats().delivered).toBe(1);
  });

  it("does not wait for events emitted after it was called", async () => {
    const release: (() => void)[] = [];
    const receiver = await startTestReceiver((_req, res, index) => {
      if (index === 0) res.writeHead(200).end();
      else release.push(() => res.writeHead(200).end());
    });
    defer(async () => {
      for (const fn of release) fn();
      await receiver.close();
    });
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(bus, [{ url: receiver.url, concurrency: 1 }], {
      logger: null,
    });
    defer(() => dispatcher.close({ deadlineMs: 0 }));
    bus.emit({ type: "approved", data: sampleData("approved", 1) });
    const flushed = dispatcher.flush();
    bus.emit({ type: "approved", data: sampleData("approved", 2) });
    await flushed;
    expect(dispatcher.stats().delivered).toBe(1);
  });

  it("resolves at once when nothing is queued", async () => {
    const dispatcher = new WebhookDispatcher(
      new EventBus(),
      [{ url: "http://127.0.0.1:9/never" }],
      { logger: null },
    );
    defer(() => dispatcher.close());
    await dispatcher.flush();
    expect(dispatcher.stats().attempts).toBe(0);
  });
});

describe("close()", () => {
  it("delivers everything emitted before it when given no deadline", async () => {
    const receiver = await startTestReceiver(slowOk);
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(bus, [{ url: receiver.url, concurrency: 3 }], {
      logger: null,
    });
    for (let n = 0; n < 300; n++) bus.emit({ type: "denied", data: sampleData("denied", n) });
    const report = await dispatcher.close();
    expect(report.timedOut).toBe(false);
    expect(report.undelivered).toEqual([]);
    expect(report.stats).toMatchObject({
      enqueued: 300,
      delivered: 300,
      failed: 0,
      queued: 0,
      inFlight: 0,
    });
    expect(new Set(receiver.requests.map((r) => tagOf(r.body))).size).toBe(300);
  });

  it("counts and reports a plain bus.emit after close() as refused", async () => {
    const bus = new EventBus();
    const warnings: string[] = [];
    const drops: DroppedEvent[] = [];
    const dispatcher = new WebhookDispatcher(bus, [{ url: "http://127.0.0.1:9/never" }], {
      logger: { warn: (message) => warnings.push(message), error: () => {} },
      onDrop: (drop) => drops.push(drop),
    });
    const reported: number[] = [];
    dispatcher.events.on("delivery.dropped", ({ data }) => {
      if (data.reason === "closed") reported.push(data.count);
    });
    await dispatcher.close();
    // Still subscribed, only to count what arrives too late.
    expect(bus.listenerCount()).toBe(1);
    bus.emit({ type: "approved", data: sampleData("approved") });
    bus.emit({ type: "denied", data: sampleData("denied") });
    expect(dispatcher.stats().refused).toBe(2);
    expect(drops.map((drop) => drop.reason)).toEqual(["closed", "closed"]);
    await until(() => reported.length > 0, 3000);
    expect(reported).toEqual([2]);
    expect(warnings).toContain("refused 2 event(s) emitted after close()");
  });

  it("aborts at the deadline and reports every undelivered payload", async () => {
    const receiver = await startTestReceiver(() => {});
    const letters: DeadLetter[] = [];
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [{ url: receiver.url, concurrency: 2, timeoutMs: 60_000 }],
      {
        logger: null,
        onDeadLetter: (letter) => letters.push(letter),
      },
    );
    for (let n = 0; n < 10; n++) bus.emit({ type: "escalated", data: sampleData("escalated", n) });
    await receiver.waitForRequests(2);
    const report = await dispatcher.close({ deadlineMs: 50 });

    expect(report.timedOut).toBe(true);
    expect(report.undelivered).toHaveLength(10);
    expect(report.undelivered.every((letter) => letter.reason === "closed")).toBe(true);
    expect(
      report.undelivered
        .map((letter) => (letter.payload.data.metadata as { n: number }).n)
        .sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 10 }, (_, n) => n));
    expect(report.undelivered.filter((letter) => letter.attempts === 1)).toHaveLength(2);
    expect(report.undelivered[0]?.payload.event).toBe("ESCALATED");
    expect(letters).toEqual(report.undelivered);
    expect(report.stats).toMatchObject({ failed: 10, queued: 0, inFlight: 0 });
  });

  it("reports deliveries that are waiting for a retry when the deadline passes", async () => {
    const receiver = await startTestReceiver((_req, res) => res.writeHead(503).end());
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [{ url: receiver.url, retryCount: 5, retryBaseDelayMs: 10_000, retryMaxDelayMs: 10_000 }],
      {
        logger: null,
      },
    );
    bus.emit({ type: "approved", data: sampleData("approved") });
    await receiver.waitForRequests(1);
    const report = await dispatcher.close({ deadlineMs: 20 });
    expect(report.undelivered).toEqual([
      expect.objectContaining({ reason: "closed", attempts: 1, status: 503 }),
    ]);
  });

  it("keeps its deadline while a request is still stuck in the TLS handshake", async () => {
    // Accepts TCP and never answers, so an https request never gets a connected socket.
    const sockets = new Set<Socket>();
    const silent = createNetServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    defer(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });
    const { port } = silent.address() as AddressInfo;
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [{ url: `https://127.0.0.1:${port}/hook`, timeoutMs: 20_000 }],
      { logger: null },
    );
    bus.emit({ type: "approved", data: sampleData("approved") });
    await until(() => sockets.size > 0);
    const started = performance.now();
    const report = await dispatcher.close({ deadlineMs: 50 });
    // Far below timeoutMs, which is what a graceful pool close would have waited.
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(report.timedOut).toBe(true);
    expect(report.undelivered).toEqual([expect.objectContaining({ reason: "closed" })]);
  });

  it("returns the same report when called twice", async () => {
    const dispatcher = new WebhookDispatcher(
      new EventBus(),
      [{ url: "http://127.0.0.1:9/never" }],
      { logger: null },
    );
    const first = dispatcher.close();
    expect(dispatcher.close({ deadlineMs: 5 })).toBe(first);
    await first;
  });

  it("rejects close({ deadline }) with a Did you mean, and starts no close", async () => {
    const dispatcher = new WebhookDispatcher(
      new EventBus(),
      [{ url: "http://127.0.0.1:9/never" }],
      { logger: null },
    );
    await expect(dispatcher.close({ deadline: 5 } as never)).rejects.toThrow(
      /close\(options\)\.deadline is not a known option\. Did you mean "deadlineMs"\?/,
    );
    // Still open: a bad option changes nothing.
    expect(() =>
      dispatcher.dispatch({
        type: "approved",
        timestamp: Date.now(),
        data: sampleData("approved"),
      }),
    ).not.toThrow();
    await dispatcher.close({ deadlineMs: 100 });
  });

  it("refuses dispatch() afterwards with DispatcherClosedError", async () => {
    const dispatcher = new WebhookDispatcher(
      new EventBus(),
      [{ url: "http://127.0.0.1:9/never" }],
      { logger: null },
    );
    await dispatcher.close();
    expect(() =>
      dispatcher.dispatch({
        type: "approved",
        timestamp: Date.now(),
        data: sampleData("approved"),
      }),
    ).toThrow(DispatcherClosedError);
  });

  it("counts, reports and warns about events that reach it while closing", async () => {
    const bus = new EventBus();
    const warnings: string[] = [];
    const drops: DroppedEvent[] = [];
    let dispatcher: WebhookDispatcher | undefined;
    // Subscribed first, so it closes the dispatcher while the bus is still dispatching this event.
    bus.onAny(() => void dispatcher?.close());
    dispatcher = new WebhookDispatcher(bus, [{ url: "http://127.0.0.1:9/never" }], {
      logger: { warn: (message) => warnings.push(message), error: () => {} },
      onDrop: (drop) => drops.push(drop),
    });
    bus.emit({ type: "approved", data: sampleData("approved") });
    const report = await dispatcher.close();
    expect(report.stats.refused).toBe(1);
    expect(report.stats.enqueued).toBe(0);
    expect(drops).toEqual([expect.objectContaining({ reason: "closed", endpointIndex: 0 })]);
    expect(warnings.some((message) => message.includes("refused 1 event"))).toBe(true);
  });

  it("rejects a bad deadline instead of throwing, and still closes on a good one", async () => {
    const dispatcher = new WebhookDispatcher(new EventBus(), [], { logger: null });
    let closing: Promise<unknown> | undefined;
    expect(() => {
      closing = dispatcher.close({ deadlineMs: Number.NaN });
    }).not.toThrow();
    await expect(closing).rejects.toThrow(
      /close\(\{ deadlineMs \}\) must be a number ≥ 0; got NaN/,
    );
    await expect(dispatcher.close({ deadlineMs: -1 })).rejects.toThrow(/deadlineMs/);
    await expect(dispatcher.close({ deadlineMs: 10 })).resolves.toMatchObject({ timedOut: false });
  });

  it("lets a second close({ deadlineMs }) shorten a close that is already running", async () => {
    const receiver = await startTestReceiver(() => {});
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(bus, [{ url: receiver.url, timeoutMs: 60_000 }], {
      logger: null,
    });
    bus.emit({ type: "approved", data: sampleData("approved") });
    await receiver.waitForRequests(1);
    const started = performance.now();
    const graceful = dispatcher.close();
    const hurried = dispatcher.close({ deadlineMs: 50 });
    expect(hurried).toBe(graceful);
    const report = await hurried;
    expect(report.timedOut).toBe(true);
    expect(report.undelivered).toHaveLength(1);
    // Generous bound: without the shorter deadline this close would wait for the 60 s timeout.
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

describe("dispatch()", () => {
  it("queues an event that did not come from the bus", async () => {
    const receiver = await startTestReceiver();
    const dispatcher = new WebhookDispatcher(
      new EventBus(),
      [{ url: receiver.url, events: ["denied"] }],
      { logger: null },
    );
    defer(() => dispatcher.close());
    expect(dispatcher.dispatch({ type: "denied", timestamp: 0, data: sampleData("denied") })).toBe(
      1,
    );
    expect(
      dispatcher.dispatch({ type: "approved", timestamp: 0, data: sampleData("approved") }),
    ).toBe(0);
    await dispatcher.flush();
    expect(JSON.parse(receiver.requests[0]?.body.toString() ?? "{}")).toMatchObject({
      event: "DENIED",
      timestamp: "1970-01-01T00:00:00.000+00:00",
    });
  });

  it("dead-letters data that cannot be serialised instead of crashing the worker", async () => {
    const receiver = await startTestReceiver();
    const letters: DeadLetter[] = [];
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(bus, [{ url: receiver.url }], {
      logger: null,
      onDeadLetter: (l) => letters.push(l),
    });
    defer(() => dispatcher.close());
    const cyclic: Record<string, unknown> = { ...sampleData("approved") };
    cyclic.self = cyclic;
    bus.emit({ type: "approved", data: cyclic as never });
    bus.emit({ type: "approved", data: sampleData("approved", 2) });
    await dispatcher.flush();
    expect(letters).toEqual([expect.objectContaining({ reason: "unserializable", attempts: 0 })]);
    expect(letters[0]?.error?.cause).toBeInstanceOf(TypeError);
    expect(receiver.requests.map((r) => tagOf(r.body))).toEqual([2]);
  });
});
