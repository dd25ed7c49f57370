/**
 * OpenTelemetry: spans and metrics of real deliveries to a real receiver,
 * read back from the SDK's in-memory exporters.
 */

import type { ServerResponse } from "node:http";
import { EventBus } from "@attesta/events";
import { deadUrl, defer, startTestReceiver, until } from "@attesta/test-support";
import { SpanKind } from "@opentelemetry/api";
import { beforeEach, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "../src/index";
import { installInMemoryOtel } from "./support/in-memory-otel";

const { spans, collect: collectAll } = installInMemoryOtel({ propagate: true });
beforeEach(() => spans.reset());

/** The metrics of this package, as one collection now (cumulative since the start of the file). */
async function collect() {
  const all = (await collectAll()).flatMap((resource) => resource.scopeMetrics);
  return all
    .filter((scope) => scope.scope.name === "@attesta/webhooks")
    .flatMap((scope) => scope.metrics);
}

const verdict = {
  agent_id: "agent-7",
  action_name: "deploy",
  risk_score: 0.2,
  risk_level: "low",
} as const;

describe("OpenTelemetry", () => {
  it("traces each attempt as a CLIENT span under the delivery's PRODUCER span, and sends traceparent", async () => {
    const receiver = await startTestReceiver((_req, res, index) => {
      res.writeHead(index === 0 ? 503 : 200).end();
    });
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [
        {
          url: `${receiver.url}?token=secret-in-query`,
          secret: "s",
          retryCount: 1,
          retryBaseDelayMs: 1,
        },
      ],
      { logger: null },
    );
    bus.emit({ type: "approved", data: verdict });
    const report = await dispatcher.close();
    expect(report.stats.delivered).toBe(1);

    const finished = spans.getFinishedSpans();
    const producers = finished.filter((span) => span.kind === SpanKind.PRODUCER);
    const clients = finished.filter((span) => span.kind === SpanKind.CLIENT);
    expect(producers).toHaveLength(1);
    expect(clients).toHaveLength(2);
    const [producer] = producers;
    expect(producer!.name).toBe("send APPROVED");
    expect(producer!.attributes["messaging.message.id"]).toBe(
      receiver.requests[0]!.headers["x-attesta-delivery"],
    );

    const { port, hostname } = new URL(receiver.url);
    const [first, second] = clients;
    for (const client of clients) {
      expect(client.name).toBe("POST");
      expect(client.parentSpanContext?.spanId).toBe(producer!.spanContext().spanId);
      expect(client.spanContext().traceId).toBe(producer!.spanContext().traceId);
      expect(client.links.map((link) => link.context.spanId)).toEqual([
        producer!.spanContext().spanId,
      ]);
      expect(client.attributes).toMatchObject({
        "http.request.method": "POST",
        "url.full": receiver.url,
        "server.address": hostname,
        "server.port": Number(port),
      });
    }
    expect(first!.attributes).toMatchObject({
      "http.response.status_code": 503,
      "error.type": "503",
    });
    expect(first!.attributes["http.request.resend_count"]).toBeUndefined();
    expect(first!.status.code).toBe(2);
    expect(second!.attributes).toMatchObject({
      "http.response.status_code": 200,
      "http.request.resend_count": 1,
    });
    expect(second!.attributes["error.type"]).toBeUndefined();
    // Each attempt carries its own CLIENT span as the receiver's parent.
    expect(receiver.requests.map((request) => request.headers.traceparent)).toEqual(
      clients.map(
        (client) => `00-${client.spanContext().traceId}-${client.spanContext().spanId}-01`,
      ),
    );
  });

  it("names the connection error in error.type when the endpoint is down", async () => {
    const url = await deadUrl();
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(bus, [{ url, secret: "s", retryCount: 0 }], {
      logger: null,
    });
    bus.emit({ type: "denied", data: verdict });
    await dispatcher.close();
    const [client] = spans.getFinishedSpans().filter((span) => span.kind === SpanKind.CLIENT);
    expect(client!.attributes["error.type"]).toBe("ECONNREFUSED");
    expect(client!.attributes["http.response.status_code"]).toBeUndefined();
  });

  it("records http.client.request.duration, queue depth and dead letters", async () => {
    const receiver = await startTestReceiver((_req, res) => {
      res.writeHead(400).end();
    });
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(bus, [{ id: "crm", url: receiver.url, secret: "s" }], {
      logger: null,
      onDeadLetter: () => {},
    });
    for (let i = 0; i < 3; i++) bus.emit({ type: "denied", data: verdict });
    // Still on the emitter's stack: nothing has been sent yet.
    const queued = await collect();
    const depth = queued.find(
      (metric) => metric.descriptor.name === "attesta.webhooks.queue.depth",
    );
    expect(depth?.dataPoints).toEqual([
      expect.objectContaining({ value: 3, attributes: { "attesta.webhooks.endpoint": "crm" } }),
    ]);
    await dispatcher.close();

    const after = await collect();
    const duration = after.find(
      (metric) => metric.descriptor.name === "http.client.request.duration",
    );
    expect(duration?.descriptor.unit).toBe("s");
    // Cumulative over the file: pick this endpoint's points by their attributes.
    const point = duration?.dataPoints.find(
      (candidate) => candidate.attributes["http.response.status_code"] === 400,
    ) as { value: { count: number }; attributes: Record<string, unknown> } | undefined;
    expect(point?.value.count).toBe(3);
    expect(point?.attributes).toEqual({
      "http.request.method": "POST",
      "server.address": "127.0.0.1",
      "server.port": Number(new URL(receiver.url).port),
      "http.response.status_code": 400,
      "error.type": "400",
    });
    const dead = after.find((metric) => metric.descriptor.name === "attesta.webhooks.dead_letters");
    expect(
      dead?.dataPoints.filter((p) => p.attributes["attesta.webhooks.endpoint"] === "crm"),
    ).toEqual([
      expect.objectContaining({
        value: 3,
        attributes: {
          "attesta.webhooks.endpoint": "crm",
          "attesta.webhooks.dead_reason": "rejected",
        },
      }),
    ]);
  });

  it("reports each endpoint's breaker as closed, open, half_open and closed again", async () => {
    let probe: ServerResponse | undefined;
    const receiver = await startTestReceiver((_req, res, index) => {
      if (index < 2) res.writeHead(503).end();
      // The probe is held unanswered so the breaker stays half-open while it is read.
      else probe = res;
    });
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [
        {
          id: "billing",
          url: receiver.url,
          secret: "s",
          retryCount: 0,
          concurrency: 1,
          circuitBreaker: { consecutiveFailures: 2, openMs: 100 },
        },
      ],
      { logger: null, onDeadLetter: () => {} },
    );
    defer(() => dispatcher.close({ deadlineMs: 0 }));
    const transitions: string[] = [];
    for (const name of ["endpoint.circuit_opened", "endpoint.recovered"] as const) {
      dispatcher.events.on(name, () => transitions.push(name));
    }
    const breakerOf = async (endpointId: string) => {
      const status = (await collect()).find(
        (metric) => metric.descriptor.name === "attesta.webhooks.breaker.status",
      );
      const points = status?.dataPoints.filter(
        (point) => point.attributes["attesta.webhooks.endpoint"] === endpointId,
      );
      return Object.fromEntries(
        (points ?? []).map((point) => [
          point.attributes["attesta.webhooks.breaker.state"],
          point.value,
        ]),
      );
    };

    expect(await breakerOf("billing")).toEqual({ closed: 1, half_open: 0, open: 0 });
    for (let i = 0; i < 3; i++) bus.emit({ type: "denied", data: verdict });
    await until(() => transitions.includes("endpoint.circuit_opened"));
    expect(await breakerOf("billing")).toEqual({ closed: 0, half_open: 0, open: 1 });
    await until(() => probe !== undefined);
    expect(await breakerOf("billing")).toEqual({ closed: 0, half_open: 1, open: 0 });
    probe?.writeHead(204).end();
    await until(() => transitions.includes("endpoint.recovered"));
    expect(await breakerOf("billing")).toEqual({ closed: 1, half_open: 0, open: 0 });
    // Two failures and the probe: the open breaker let nothing else through.
    expect(receiver.requests).toHaveLength(3);
  });
});
