import { EventBus } from "@attesta/events";
import type { Responder } from "@attesta/test-support";
import { defer, startTestReceiver, until } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import {
  type DeadLetter,
  type DispatcherEvents,
  WebhookDispatcher,
  WebhookResponseError,
} from "../src/index";
import { sampleData, tagOf } from "./support/events";

type Seen = { name: keyof DispatcherEvents; data: Record<string, unknown> };

async function setup(responder: Responder, config: Record<string, unknown>) {
  const receiver = await startTestReceiver(responder);
  const bus = new EventBus();
  const letters: DeadLetter[] = [];
  const dispatcher = new WebhookDispatcher(bus, [], {
    logger: null,
    onDeadLetter: (letter) => letters.push(letter),
  });
  defer(() => dispatcher.close({ deadlineMs: 0 }));
  const seen: Seen[] = [];
  const names: (keyof DispatcherEvents)[] = [
    "endpoint.failing",
    "endpoint.recovered",
    "endpoint.disabled",
    "endpoint.enabled",
    "endpoint.circuit_opened",
    "endpoint.circuit_half_open",
    "delivery.dead",
  ];
  for (const name of names) {
    dispatcher.events.on(name, ({ data }) =>
      seen.push({ name, data: data as Record<string, unknown> }),
    );
  }
  const id = dispatcher.addEndpoint({ url: receiver.url, retryCount: 0, ...config });
  const emit = (count: number, from = 0) => {
    for (let n = from; n < from + count; n++)
      bus.emit({ type: "approved", data: sampleData("approved", n) });
  };
  return { receiver, dispatcher, seen, letters, id, emit, names: () => seen.map((s) => s.name) };
}

describe("circuit breaker", () => {
  it("opens after N failures in a row, probes after openMs, and closes when the probe succeeds", async () => {
    let healthy = false;
    const { receiver, dispatcher, seen, emit, names } = await setup(
      (_req, res) => res.writeHead(healthy ? 204 : 503).end(),
      { concurrency: 1, circuitBreaker: { consecutiveFailures: 3, openMs: 300 } },
    );
    emit(10);
    await until(() => names().includes("endpoint.circuit_opened"));
    // Only the three failures reached the receiver; the rest wait, they are not dead.
    expect(receiver.requests).toHaveLength(3);
    expect(dispatcher.endpoints()[0]).toMatchObject({ circuit: "open", pending: 7 });
    expect(seen.find((s) => s.name === "endpoint.failing")?.data).toMatchObject({
      consecutiveFailures: 3,
      lastFailure: { kind: "http_status", status: 503 },
    });
    healthy = true;
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(10);
    expect(dispatcher.stats()).toMatchObject({ delivered: 7, failed: 3 });
    expect(names().filter((name) => name.startsWith("endpoint."))).toEqual([
      "endpoint.failing",
      "endpoint.circuit_opened",
      "endpoint.circuit_half_open",
      "endpoint.recovered",
    ]);
  });

  it("opens again when the probe fails", async () => {
    const { receiver, names, emit } = await setup((_req, res) => res.writeHead(500).end(), {
      concurrency: 1,
      circuitBreaker: { consecutiveFailures: 2, openMs: 100 },
    });
    emit(5);
    await until(() => names().filter((name) => name === "endpoint.circuit_opened").length >= 2);
    expect(receiver.requests.length).toBe(3);
    expect(names().filter((name) => name === "endpoint.failing")).toHaveLength(1);
  });
});

describe("auto-disable", () => {
  it("disables at once on 410 Gone, keeps later deliveries, and sends them when enabled", async () => {
    let gone = true;
    const { receiver, dispatcher, seen, id, emit } = await setup(
      (_req, res) => res.writeHead(gone ? 410 : 204).end(),
      { concurrency: 1 },
    );
    emit(1);
    await until(() => seen.some((s) => s.name === "endpoint.disabled"));
    emit(3, 1);
    // A dispatcher sends what it owes on the next turn of the event loop, and a request to this loopback receiver arrives within milliseconds: to an endpoint wrongly still enabled, these three would be here within 100 ms.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(receiver.requests).toHaveLength(1);
    expect(dispatcher.endpoints()[0]).toMatchObject({
      state: "disabled",
      disabledReason: "gone",
      pending: 3,
    });
    expect(seen.find((s) => s.name === "endpoint.disabled")?.data).toMatchObject({
      reason: "gone",
      lastFailure: { status: 410 },
    });
    gone = false;
    expect(dispatcher.enableEndpoint(id)).toBe(true);
    expect(dispatcher.enableEndpoint(id)).toBe(false);
    await dispatcher.flush();
    expect(receiver.requests.slice(1).map((r) => tagOf(r.body))).toEqual([1, 2, 3]);
    expect(seen.find((s) => s.name === "endpoint.enabled")?.data).toMatchObject({ pending: 3 });
  });

  it("disables after failing without a success for disableAfterMs", async () => {
    const { dispatcher, seen, emit } = await setup((_req, res) => res.writeHead(503).end(), {
      concurrency: 1,
      disableAfterMs: 300,
      circuitBreaker: { consecutiveFailures: 1, openMs: 50, maxOpenMs: 50 },
    });
    emit(20);
    await until(() => seen.some((s) => s.name === "endpoint.disabled"), 5000);
    expect(seen.find((s) => s.name === "endpoint.disabled")?.data).toMatchObject({
      reason: "failing",
    });
    expect(dispatcher.endpoints()[0]?.state).toBe("disabled");
  });

  it("stops and resumes on disableEndpoint / enableEndpoint", async () => {
    const { receiver, dispatcher, id, emit } = await setup(
      (_req, res) => res.writeHead(204).end(),
      {},
    );
    expect(dispatcher.disableEndpoint(id)).toBe(true);
    emit(2);
    // A dispatcher sends what it owes on the next turn of the event loop, and a request to this loopback receiver arrives within milliseconds: to an endpoint wrongly still enabled, these two would be here within 50 ms.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(receiver.requests).toHaveLength(0);
    dispatcher.enableEndpoint(id);
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(2);
  });
});

describe("the receiver's reason", () => {
  it("is on the delivery error, the dead letter and delivery.dead", async () => {
    const { letters, seen, emit, dispatcher } = await setup(
      (_req, res) =>
        res.writeHead(401, { "content-type": "application/json" }).end(
          JSON.stringify({
            error: { code: "invalid_signature", message: "Signature mismatch." },
          }),
        ),
      { secret: "whsec_wrong" },
    );
    emit(1);
    await dispatcher.flush();
    const error = letters[0]?.error as WebhookResponseError;
    expect(error).toBeInstanceOf(WebhookResponseError);
    expect(error).toMatchObject({
      status: 401,
      receiverCode: "invalid_signature",
      receiverMessage: "Signature mismatch.",
    });
    expect(error.message).toMatch(
      /answered HTTP 401 \(receiver: invalid_signature, "Signature mismatch\."\)/,
    );
    expect(seen.find((s) => s.name === "delivery.dead")?.data).toMatchObject({
      reason: "rejected",
      attempts: 1,
      lastFailure: {
        status: 401,
        receiverCode: "invalid_signature",
        receiverMessage: "Signature mismatch.",
      },
    });
  });
});
