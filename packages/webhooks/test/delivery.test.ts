import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { EVENT_TYPES, EventBus, EventType } from "@attesta/events";
import { defer, startTestReceiver } from "@attesta/test-support";
import { verifySignature } from "@attesta/verify";
import { describe, expect, it } from "vitest";
import { type DeliveryAttempt, WebhookDispatcher } from "../src/index";
import { sampleData } from "./support/events";

const { version } = JSON.parse(
  readFileSync(new URL("../package.json", import.meta.url), "utf8"),
) as { version: string };

async function setup(
  configs: (url: string) => ConstructorParameters<typeof WebhookDispatcher>[1],
  options = {},
) {
  const receiver = await startTestReceiver();
  const bus = new EventBus();
  const dispatcher = new WebhookDispatcher(bus, configs(receiver.url), {
    logger: null,
    ...options,
  });
  defer(() => dispatcher.close({ deadlineMs: 1000 }));
  return { receiver, bus, dispatcher };
}

describe("payload, headers and signature", () => {
  it("POSTs the exact compact JSON body with the Python timestamp format", async () => {
    const { receiver, bus, dispatcher } = await setup((url) => [{ url }]);
    const data = sampleData("approved");
    bus.emit({ type: EventType.APPROVED, timestamp: Date.UTC(2025, 5, 15, 14, 32, 18, 123), data });
    await dispatcher.flush();

    expect(receiver.requests).toHaveLength(1);
    const [request] = receiver.requests;
    expect(request?.method).toBe("POST");
    expect(request?.path).toBe("/hook");
    expect(request?.body.toString("utf8")).toBe(
      `{"event":"APPROVED","timestamp":"2025-06-15T14:32:18.123+00:00","data":${JSON.stringify(data)}}`,
    );
  });

  it("sends content type, user agent with the package version, event name and a delivery id", async () => {
    const { receiver, bus, dispatcher } = await setup((url) => [{ url }]);
    bus.emit({ type: "denied", data: sampleData("denied") });
    bus.emit({ type: "denied", data: sampleData("denied") });
    await dispatcher.flush();

    const [first, second] = receiver.requests;
    expect(first?.headers["content-type"]).toBe("application/json");
    expect(first?.headers["user-agent"]).toBe(`attesta-webhooks/${version}`);
    expect(first?.headers["x-attesta-event"]).toBe("denied");
    expect(first?.headers["x-attesta-delivery"]).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(second?.headers["x-attesta-delivery"]).not.toBe(first?.headers["x-attesta-delivery"]);
    expect(first?.headers["content-length"]).toBe(String(first?.body.length));
  });

  it("signs the exact body bytes with HMAC-SHA256 in lower-case hex", async () => {
    const secret = "whsec_ünïcödé-secret";
    const { receiver, bus, dispatcher } = await setup((url) => [{ url, secret }]);
    bus.emit({
      type: "escalated",
      data: { ...sampleData("escalated"), reason: "Überprüfung nötig — 审批 🚨" },
    });
    await dispatcher.flush();

    const [request] = receiver.requests;
    const expected = `sha256=${createHmac("sha256", secret)
      .update(request?.body ?? Buffer.alloc(0))
      .digest("hex")}`;
    expect(request?.headers["x-attesta-signature"]).toBe(expected);
    expect(
      verifySignature(
        request?.body ?? "",
        request?.headers["x-attesta-signature"] as string,
        secret,
      ),
    ).toBe(true);
    expect(request?.body.toString("utf8")).toContain("审批 🚨");
  });

  it("sends no signature header when the endpoint has no secret", async () => {
    const { receiver, bus, dispatcher } = await setup((url) => [{ url }]);
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    expect(receiver.requests[0]?.headers).not.toHaveProperty("x-attesta-signature");
  });

  it("keeps the query string of the endpoint URL", async () => {
    const { receiver, bus, dispatcher } = await setup((url) => [{ url: `${url}?tenant=acme&v=2` }]);
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    expect(receiver.requests[0]?.path).toBe("/hook?tenant=acme&v=2");
  });

  it("reports every attempt with endpoint, delivery id, event, attempt number, status and duration", async () => {
    const attempts: DeliveryAttempt[] = [];
    const { receiver, bus, dispatcher } = await setup((url) => [{ url }], {
      onAttempt: (a: DeliveryAttempt) => attempts.push(a),
    });
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    expect(attempts).toEqual([
      expect.objectContaining({
        url: receiver.url,
        endpointIndex: 0,
        deliveryId: receiver.requests[0]?.headers["x-attesta-delivery"],
        event: "APPROVED",
        attempt: 1,
        ok: true,
        status: 204,
        willRetry: false,
      }),
    ]);
    expect(attempts[0]?.durationMs).toBeGreaterThanOrEqual(0);
    expect(dispatcher.stats()).toMatchObject({
      enqueued: 1,
      delivered: 1,
      failed: 0,
      attempts: 1,
      retries: 0,
      queued: 0,
      inFlight: 0,
    });
  });
});

describe("events filter", () => {
  it("delivers only the listed event types", async () => {
    const { receiver, bus, dispatcher } = await setup((url) => [
      { url, events: ["approved", "denied"] },
    ]);
    for (const type of EVENT_TYPES)
      bus.emit({ type, data: sampleData(type) } as Parameters<typeof bus.emit>[0]);
    await dispatcher.flush();
    expect(receiver.requests.map((r) => r.headers["x-attesta-event"]).sort()).toEqual([
      "approved",
      "denied",
    ]);
  });

  it("treats an empty list as all eight event types", async () => {
    const { receiver, bus, dispatcher } = await setup((url) => [
      { url, events: [] },
      { url: `${url}?default` },
    ]);
    for (const type of EVENT_TYPES)
      bus.emit({ type, data: sampleData(type) } as Parameters<typeof bus.emit>[0]);
    await dispatcher.flush();
    const byPath = (path: string) =>
      receiver.requests
        .filter((r) => r.path === path)
        .map((r) => JSON.parse(r.body.toString("utf8")).event as string)
        .sort();
    const all = EVENT_TYPES.map((type) => type.toUpperCase()).sort();
    expect(all).toHaveLength(8);
    expect(byPath("/hook")).toEqual(all);
    expect(byPath("/hook?default")).toEqual(all);
  });

  it("sends identical bytes to every endpoint that matches one event", async () => {
    const { receiver, bus, dispatcher } = await setup((url) => [
      { url: `${url}?a`, secret: "one" },
      { url: `${url}?b`, secret: "two" },
    ]);
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    const [a, b] = [...receiver.requests].sort((x, y) => x.path.localeCompare(y.path));
    expect(a?.body.equals(b?.body ?? Buffer.alloc(0))).toBe(true);
    expect(verifySignature(a?.body ?? "", a?.headers["x-attesta-signature"] as string, "one")).toBe(
      true,
    );
    expect(verifySignature(b?.body ?? "", b?.headers["x-attesta-signature"] as string, "two")).toBe(
      true,
    );
    expect(a?.headers["x-attesta-delivery"]).not.toBe(b?.headers["x-attesta-delivery"]);
  });

  it("routes the events of a custom bus: [] means every event, names select", async () => {
    const receiver = await startTestReceiver();
    const bus = new EventBus<{
      approved: object;
      "order.placed": object;
      "order.shipped": object;
    }>();
    const dispatcher = new WebhookDispatcher(
      bus,
      [
        { url: `${receiver.url}?all`, events: [] },
        { url: `${receiver.url}?orders`, events: ["order.placed"] },
      ],
      { logger: null },
    );
    defer(() => dispatcher.close());
    bus.emit({ type: "order.placed", data: { id: 1 } });
    bus.emit({ type: "order.shipped", data: { id: 1 } });
    bus.emit({ type: "approved", data: {} });
    await dispatcher.flush();
    const seen = (query: string) =>
      receiver.requests
        .filter((r) => r.path.endsWith(query))
        .map((r) => r.headers["x-attesta-event"])
        .sort();
    expect(seen("?all")).toEqual(["approved", "order.placed", "order.shipped"]);
    expect(seen("?orders")).toEqual(["order.placed"]);
    expect(dispatcher.stats().endpoints.map((e) => e.enqueued)).toEqual([3, 1]);
    const body = JSON.parse(
      receiver.requests.find((r) => r.path.endsWith("?orders"))!.body.toString(),
    );
    expect(body).toMatchObject({ event: "ORDER.PLACED", data: { id: 1 } });
  });
});

describe("emit", () => {
  it("returns before any request is made", async () => {
    const { receiver, bus, dispatcher } = await setup((url) => [{ url }]);
    bus.emit({ type: "approved", data: sampleData("approved") });
    expect(dispatcher.stats()).toMatchObject({ queued: 1, inFlight: 0, attempts: 0 });
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(1);
  });
});
