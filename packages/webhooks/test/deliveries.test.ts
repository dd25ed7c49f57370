import { EventBus } from "@attesta/events";
import { deadUrl, defer, type Responder, startTestReceiver } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import {
  type DeadLetter,
  type DeliveryAttempt,
  DispatcherClosedError,
  MemoryStore,
  type WebhookConfig,
  WebhookDispatcher,
  type WebhookDispatcherOptions,
} from "../src/index";
import { sampleData, tagOf } from "./support/events";

const fast = { retryBaseDelayMs: 5, retryMaxDelayMs: 20 } satisfies Partial<WebhookConfig>;

async function setup(
  configs: (url: string) => WebhookConfig[],
  responder?: Responder,
  options: WebhookDispatcherOptions = {},
) {
  const receiver = await startTestReceiver(responder);
  const attempts: DeliveryAttempt[] = [];
  const letters: DeadLetter[] = [];
  const bus = new EventBus();
  const dispatcher = new WebhookDispatcher(bus, configs(receiver.url), {
    logger: null,
    onAttempt: (attempt) => attempts.push(attempt),
    onDeadLetter: (letter) => letters.push(letter),
    ...options,
  });
  defer(() => dispatcher.close({ deadlineMs: 1000 }));
  return { receiver, bus, dispatcher, attempts, letters };
}

const deliveryIds = (requests: { headers: Record<string, unknown> }[]) =>
  requests.map((request) => request.headers["x-attesta-delivery"]);

describe("deliveries.get", () => {
  it("records every attempt of a delivery under the id the receiver saw", async () => {
    const { receiver, bus, dispatcher } = await setup(
      (url) => [{ url, retryCount: 1, ...fast }],
      (_req, res, index) =>
        index === 0 ? res.writeHead(503).end("try later") : res.writeHead(200).end("thanks"),
    );
    bus.emit({ type: "approved", data: sampleData("approved", 4) });
    await dispatcher.flush();

    const [first, second] = deliveryIds(receiver.requests);
    expect(second).toBe(first);
    const record = dispatcher.deliveries.get(String(first));
    expect(record).toMatchObject({
      id: first,
      endpointId: dispatcher.stats().endpoints[0]?.id,
      event: "APPROVED",
      status: "delivered",
      attempts: 2,
    });
    expect(tagOf(Buffer.from(record?.body ?? []))).toBe(4);
    expect(
      Buffer.from(record?.body ?? []).equals(receiver.requests[0]?.body ?? Buffer.alloc(0)),
    ).toBe(true);
    expect(record?.attemptLog).toEqual([
      expect.objectContaining({
        attempt: 1,
        status: 503,
        errorKind: "http_status",
        responseBody: "try later",
      }),
      expect.objectContaining({ attempt: 2, status: 200, responseBody: "thanks" }),
    ]);
    expect(record?.attemptLog[1]?.errorKind).toBeUndefined();
    for (const attempt of record?.attemptLog ?? []) {
      expect(attempt.durationMs).toBeGreaterThanOrEqual(0);
      expect(Math.abs(attempt.startedAt - Date.now())).toBeLessThan(60_000);
    }
    expect(record?.settledAt).toBeGreaterThanOrEqual(record?.attemptLog[1]?.startedAt ?? 0);
    expect(dispatcher.deliveries.get("no-such-delivery")).toBeUndefined();
  });

  it("keeps only the first 4 KiB of a response body", async () => {
    const { dispatcher, bus, receiver } = await setup(
      (url) => [{ url, retryCount: 0 }],
      (_req, res) => res.writeHead(500).end("é".repeat(6000)),
    );
    bus.emit({ type: "denied", data: sampleData("denied") });
    await dispatcher.flush();
    const id = String(deliveryIds(receiver.requests)[0]);
    const body = dispatcher.deliveries.get(id)?.attemptLog[0]?.responseBody ?? "";
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(4096 + 2);
    expect(body.startsWith("é".repeat(2000))).toBe(true);
    expect(dispatcher.deliveries.get(id)).toMatchObject({
      status: "dead",
      deadReason: "exhausted",
    });
  });

  it("names timeouts and connection failures in the attempt record", async () => {
    const dead = await deadUrl();
    const { dispatcher, bus, letters } = await setup(
      (url) => [
        { url, timeoutMs: 50, retryCount: 0 },
        { url: dead, retryCount: 0 },
      ],
      () => {},
    );
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    const kinds = letters
      .map((letter) => dispatcher.deliveries.get(letter.deliveryId)?.attemptLog[0])
      .map((attempt) => [attempt?.errorKind, attempt?.status])
      .sort();
    expect(kinds).toEqual([
      ["connection", undefined],
      ["timeout", undefined],
    ]);
  });
});

describe("close() at its deadline", () => {
  it("records the cut attempt as aborted and the delivery as dead (closed)", async () => {
    const { dispatcher, bus, receiver, letters } = await setup(
      (url) => [{ url, timeoutMs: 60_000 }],
      () => {},
    );
    bus.emit({ type: "approved", data: sampleData("approved") });
    await receiver.waitForRequests(1);
    const report = await dispatcher.close({ deadlineMs: 20 });
    expect(report.undelivered).toHaveLength(1);
    const record = dispatcher.deliveries.get(letters[0]?.deliveryId ?? "");
    expect(record).toMatchObject({ status: "dead", deadReason: "closed", attempts: 1 });
    expect(record?.attemptLog[0]).toMatchObject({ attempt: 1, errorKind: "aborted" });
    expect(record?.attemptLog[0]?.errorMessage).toMatch(/aborted by close\(\)/);
  });
});

describe("deliveries.list", () => {
  it("filters by status, endpoint, event and time, oldest first", async () => {
    const { dispatcher } = await setup(
      (url) => [
        { url, id: "ok" },
        { url: `${url}?fail`, id: "failing", retryCount: 0 },
      ],
      (req, res) => res.writeHead(req.path.endsWith("?fail") ? 410 : 204).end(),
    );
    dispatcher.dispatch({ type: "approved", timestamp: 1000, data: sampleData("approved", 1) });
    dispatcher.dispatch({ type: "denied", timestamp: 2000, data: sampleData("denied", 2) });
    await dispatcher.flush();

    const tags = (records: { body: Uint8Array; endpointId: string }[]) =>
      records.map((r) => `${r.endpointId}:${tagOf(Buffer.from(r.body))}`);
    expect(tags(dispatcher.deliveries.list())).toEqual(["ok:1", "failing:1", "ok:2", "failing:2"]);
    expect(tags(dispatcher.deliveries.list({ status: "dead" }))).toEqual([
      "failing:1",
      "failing:2",
    ]);
    expect(tags(dispatcher.deliveries.list({ endpoint: "ok", event: "denied" }))).toEqual(["ok:2"]);
    expect(tags(dispatcher.deliveries.list({ event: "DENIED", since: new Date(1500) }))).toEqual([
      "ok:2",
      "failing:2",
    ]);
    expect(tags(dispatcher.deliveries.list({ status: "delivered", limit: 1 }))).toEqual(["ok:1"]);
    expect(dispatcher.deliveries.list({ status: "pending" })).toEqual([]);
  });

  it("shows waiting deliveries with the id they are later sent with", async () => {
    const release: (() => void)[] = [];
    const { dispatcher, bus, receiver } = await setup(
      (url) => [{ url, concurrency: 1 }],
      (_req, res) => release.push(() => res.writeHead(200).end()),
    );
    for (let n = 0; n < 3; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
    await receiver.waitForRequests(1);
    const pending = dispatcher.deliveries.list({ status: "pending" });
    expect(pending.map((r) => tagOf(Buffer.from(r.body)))).toEqual([0, 1, 2]);
    const flushed = dispatcher.flush();
    for (let n = 1; n <= 3; n++) {
      await receiver.waitForRequests(n);
      release.shift()?.();
    }
    await flushed;
    expect(deliveryIds(receiver.requests)).toEqual(pending.map((r) => r.id));
  });

  it("rejects a malformed query with the fix", async () => {
    const { dispatcher } = await setup((url) => [{ url }]);
    expect(() => dispatcher.deliveries.list({ status: "failed" as never })).toThrow(
      /deliveries\.list\(\{ status \}\) must be "pending", "delivered" or "dead"; got "failed"\. Fix:/,
    );
    expect(() => dispatcher.deliveries.list({ limit: 0 })).toThrow(
      /limit \}\) must be a positive integer/,
    );
    expect(() => dispatcher.deliveries.list({ since: new Date("nope") })).toThrow(
      /since \}\) must be/,
    );
  });
});

describe("redeliver", () => {
  it("sends a dead delivery again under the same id with a fresh retry budget", async () => {
    let failing = true;
    const { dispatcher, bus, receiver, attempts, letters } = await setup(
      (url) => [{ url, retryCount: 1, ...fast }],
      (_req, res) => res.writeHead(failing ? 500 : 200).end(),
    );
    bus.emit({ type: "escalated", data: sampleData("escalated", 9) });
    await dispatcher.flush();
    expect(letters).toHaveLength(1);
    const id = letters[0]?.deliveryId ?? "";
    expect(dispatcher.deliveries.get(id)?.status).toBe("dead");

    expect(dispatcher.redeliver(id)).toBe(true);
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(4);
    failing = false;
    expect(dispatcher.redeliver(id)).toBe(true);
    await dispatcher.flush();

    expect(new Set(deliveryIds(receiver.requests))).toEqual(new Set([id]));
    expect(new Set(receiver.requests.map((r) => r.body.toString())).size).toBe(1);
    expect(attempts.map((a) => [a.attempt, a.ok])).toEqual([
      [1, false],
      [2, false],
      [3, false],
      [4, false],
      [5, true],
    ]);
    expect(dispatcher.deliveries.get(id)).toMatchObject({ status: "delivered", attempts: 5 });
    expect(dispatcher.stats()).toMatchObject({ delivered: 1, failed: 2, attempts: 5 });
  });

  it("also sends a delivered one again, and refuses unknown or pending ids", async () => {
    const { dispatcher, bus, receiver } = await setup((url) => [{ url }]);
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    const id = String(deliveryIds(receiver.requests)[0]);
    expect(dispatcher.redeliver(id)).toBe(true);
    expect(dispatcher.redeliver(id)).toBe(false);
    expect(dispatcher.redeliver("no-such-delivery")).toBe(false);
    await dispatcher.flush();
    expect(deliveryIds(receiver.requests)).toEqual([id, id]);
    await dispatcher.close();
    expect(() => dispatcher.redeliver(id)).toThrow(DispatcherClosedError);
    expect(() => dispatcher.recover()).toThrow(/recover\(\) was refused/);
  });
});

describe("recover", () => {
  it("redelivers the dead letters of one endpoint since a time and counts them", async () => {
    let up = false;
    const { dispatcher, receiver, letters } = await setup(
      (url) => [
        { url: `${url}?a`, id: "a", retryCount: 0 },
        { url: `${url}?b`, id: "b", retryCount: 0 },
      ],
      (_req, res) => res.writeHead(up ? 204 : 503).end(),
    );
    for (const [n, timestamp] of [
      [1, 1000],
      [2, 5000],
      [3, 6000],
    ] as const) {
      dispatcher.dispatch({ type: "approved", timestamp, data: sampleData("approved", n) });
    }
    await dispatcher.flush();
    expect(letters).toHaveLength(6);
    up = true;
    expect(dispatcher.recover({ endpoint: "a", since: 5000 })).toBe(2);
    await dispatcher.flush();
    const resent = receiver.requests.slice(6);
    expect(resent.map((r) => `${r.path}:${tagOf(r.body)}`).sort()).toEqual([
      "/hook?a:2",
      "/hook?a:3",
    ]);
    expect(dispatcher.deliveries.list({ status: "dead" })).toHaveLength(4);
    expect(dispatcher.recover()).toBe(4);
    await dispatcher.flush();
    expect(dispatcher.deliveries.list({ status: "dead" })).toEqual([]);
    expect(dispatcher.stats().delivered).toBe(6);
    expect(() => dispatcher.recover({ endpoint: "a", status: "dead" } as never)).toThrow(
      /recover\(options\)\.status is not a known option/,
    );
  });
});

describe("store option", () => {
  it("uses the given store, bounded as configured, and resolves persisted()", async () => {
    const store = new MemoryStore({ maxDelivered: 2 });
    const { dispatcher, bus, receiver } = await setup((url) => [{ url }], undefined, { store });
    for (let n = 0; n < 3; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
    await dispatcher.persisted();
    await dispatcher.flush();
    const ids = deliveryIds(receiver.requests).map(String);
    expect(
      store
        .list()
        .map((r) => r.id)
        .sort(),
    ).toEqual(
      dispatcher.deliveries
        .list()
        .map((r) => r.id)
        .sort(),
    );
    expect(dispatcher.deliveries.list()).toHaveLength(2);
    expect(ids.filter((id) => dispatcher.deliveries.get(id) !== undefined)).toHaveLength(2);
    expect(
      () => new WebhookDispatcher(new EventBus(), [{ url: receiver.url }], { store, logger: null }),
    ).toThrow(/already used by a dispatcher/);
  });

  it("reports stable endpoint ids in stats, attempts and dead letters", async () => {
    const { dispatcher, bus, attempts, letters } = await setup(
      (url) => [{ url, id: "audit-sink", retryCount: 0 }, { url: `${url}?x` }],
      (req, res) => res.writeHead(req.path.endsWith("?x") ? 400 : 200).end(),
    );
    bus.emit({ type: "audit_logged", data: sampleData("audit_logged") });
    await dispatcher.flush();
    const [named, derived] = dispatcher.stats().endpoints;
    expect(named?.id).toBe("audit-sink");
    expect(derived?.id).toMatch(/^ep_[0-9a-f]{16}$/);
    expect(attempts.map((a) => a.endpointId).sort()).toEqual([derived?.id, "audit-sink"].sort());
    expect(letters.map((l) => l.endpointId)).toEqual([derived?.id]);
  });
});
