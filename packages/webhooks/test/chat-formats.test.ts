/**
 * Chat formats end to end: real deliveries to local Slack, Discord and Teams
 * receivers that check each body against the service's contract and answer
 * with the service's documented responses.
 */
import { createHmac } from "node:crypto";
import { EVENT_TYPES, EventBus } from "@attesta/events";
import { defer, until } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import type { DeadLetter, DeliveryAttempt, DispatcherEvents, WebhookConfig } from "../src/index";
import { WebhookDispatcher } from "../src/index";
import { ANSWERS, type Service, startChatReceiver } from "./support/chat-receiver";
import { sampleData } from "./support/events";

type OperatorEvent = { type: string; data: DispatcherEvents[keyof DispatcherEvents] };

function quietDispatcher(bus: EventBus, configs: readonly WebhookConfig[]) {
  const letters: DeadLetter[] = [];
  const attempts: DeliveryAttempt[] = [];
  const dispatcher = new WebhookDispatcher(bus, configs, {
    logger: null,
    onDeadLetter: (letter) => letters.push(letter),
    onAttempt: (attempt) => attempts.push(attempt),
  });
  const events: OperatorEvent[] = [];
  dispatcher.events.onAny((event) => events.push(event as OperatorEvent));
  defer(() => dispatcher.close({ deadlineMs: 2000 }));
  return { dispatcher, letters, attempts, events };
}

describe.each<Service>(["slack", "discord", "teams"])("format %s", (service) => {
  it("delivers every pipeline event and a custom event as a message the service accepts", async () => {
    const receiver = await startChatReceiver(service);
    const bus = new EventBus<Record<string, unknown>>();
    const { dispatcher, letters } = quietDispatcher(bus as never, [
      { url: receiver.url, format: service },
    ]);
    for (const type of EVENT_TYPES) bus.emit({ type, data: sampleData(type) } as never);
    bus.emit({
      type: "invoice.paid",
      data: { invoice: "in_1", amount_cents: 1250, customer: { id: "c1" } },
    } as never);
    await receiver.waitForRequests(EVENT_TYPES.length + 1);
    await dispatcher.close({ deadlineMs: 5000 });
    expect(receiver.problems).toEqual(receiver.requests.map(() => []));
    expect(letters).toEqual([]);
    const denied = receiver.requests.find((r) => r.headers["x-attesta-event"] === "denied");
    // As a reader sees it: markdown escapes removed (Discord).
    const text = (denied?.body.toString("utf8") ?? "").replace(/\\\\(.)/g, "$1");
    for (const shown of ["agent-7", "deploy_service", "0.42 (medium)", "policy"])
      expect(text).toContain(shown);
    const custom = (receiver.requests.at(-1)?.body.toString("utf8") ?? "").replace(
      /\\\\(.)/g,
      "$1",
    );
    expect(custom).toContain("in_1");
    expect(custom).toContain("amount_cents");
  });

  it("signs, stores and shows the formatted bytes: one body per attempt series", async () => {
    const receiver = await startChatReceiver(service, [{ status: 503 }]);
    const bus = new EventBus();
    const secret = "whsec-chat";
    const { dispatcher } = quietDispatcher(bus, [
      {
        url: receiver.url,
        format: service,
        secret,
        retryBaseDelayMs: 10,
        retryMinDelayMs: 10,
      } as never,
    ]);
    bus.emit({ type: "denied", data: sampleData("denied") });
    await receiver.waitForRequests(2);
    const [first, second] = receiver.requests;
    expect(second?.body.equals(first?.body ?? Buffer.alloc(0))).toBe(true);
    const mac = createHmac("sha256", secret)
      .update(second?.body ?? "")
      .digest("hex");
    expect(second?.headers["x-attesta-signature"]).toBe(`sha256=${mac}`);
    await until(() => dispatcher.deliveries.list({ status: "delivered" }).length === 1);
    const [stored] = dispatcher.deliveries.list({ status: "delivered" });
    expect(Buffer.from(stored?.body ?? []).equals(second?.body ?? Buffer.alloc(0))).toBe(true);
    expect(JSON.parse(Buffer.from(stored?.body ?? []).toString("utf8"))).not.toHaveProperty(
      "event",
    );
  });
});

describe("service answers", () => {
  it("Slack 400 invalid_payload is not retried, and keeps Slack's code in the attempt and the dead letter", async () => {
    const receiver = await startChatReceiver("slack", [ANSWERS.slack.invalidPayload]);
    const bus = new EventBus();
    const { letters, attempts } = quietDispatcher(bus, [
      { url: receiver.url, format: "slack", retryCount: 3 },
    ]);
    bus.emit({ type: "denied", data: sampleData("denied") });
    await until(() => letters.length === 1);
    expect(receiver.requests).toHaveLength(1);
    expect(letters[0]?.reason).toBe("rejected");
    expect(letters[0]?.error?.message).toContain("invalid_payload");
    expect(attempts[0]?.error?.message).toContain("invalid_payload");
    expect(letters[0]?.body).toContain('"blocks"');
  });

  it.each([
    ["Slack 404 channel_not_found", "slack", ANSWERS.slack.channelNotFound, "channel_not_found"],
    [
      "Slack 410 channel_is_archived",
      "slack",
      ANSWERS.slack.channelIsArchived,
      "channel_is_archived",
    ],
    ["Discord 404 Unknown Webhook", "discord", ANSWERS.discord.unknownWebhook, "10015"],
  ] as const)(
    "%s disables the endpoint with the service's code",
    async (_name, service, answer, code) => {
      const receiver = await startChatReceiver(service, [answer]);
      const bus = new EventBus();
      const { events, dispatcher } = quietDispatcher(bus, [
        { url: receiver.url, format: service, id: "chat" },
      ]);
      bus.emit({ type: "denied", data: sampleData("denied") });
      await until(() => events.some((e) => e.type === "endpoint.disabled"));
      const disabled = events.find((e) => e.type === "endpoint.disabled")
        ?.data as DispatcherEvents["endpoint.disabled"];
      expect(disabled.reason).toBe("gone");
      expect(disabled.lastFailure?.receiverCode).toBe(code);
      expect(dispatcher.endpoints()[0]?.state).toBe("disabled");
      const [record] = dispatcher.deliveries.list({});
      expect(record?.attemptLog[0]?.errorMessage).toContain(code);
    },
  );

  it("Slack 429 waits as Retry-After says", async () => {
    const receiver = await startChatReceiver("slack", [ANSWERS.slack.rateLimited(2)]);
    const bus = new EventBus();
    const { attempts } = quietDispatcher(bus, [
      { url: receiver.url, format: "slack", overloadDelayMs: 0 },
    ]);
    bus.emit({ type: "denied", data: sampleData("denied") });
    await receiver.waitForRequests(2);
    expect(attempts[0]?.retryInMs).toBeGreaterThanOrEqual(2000);
    const gap = (receiver.requests[1]?.at ?? 0) - (receiver.requests[0]?.at ?? 0);
    expect(gap).toBeGreaterThanOrEqual(1900);
  });

  it("Discord 429 waits as retry_after in the JSON body says, without a Retry-After header", async () => {
    const receiver = await startChatReceiver("discord", [ANSWERS.discord.rateLimited(1.5)]);
    const bus = new EventBus();
    const { attempts } = quietDispatcher(bus, [
      { url: receiver.url, format: "discord", overloadDelayMs: 0 },
    ]);
    bus.emit({ type: "denied", data: sampleData("denied") });
    await receiver.waitForRequests(2);
    expect(attempts[0]?.retryInMs).toBeGreaterThanOrEqual(1500);
    expect(attempts[0]?.retryInMs).toBeLessThan(5000);
  });

  it("Teams 400 is not retried and keeps the service's code", async () => {
    const receiver = await startChatReceiver("teams", [ANSWERS.teams.badRequest]);
    const bus = new EventBus();
    const { letters } = quietDispatcher(bus, [
      { url: receiver.url, format: "teams", retryCount: 3 },
    ]);
    bus.emit({ type: "denied", data: sampleData("denied") });
    await until(() => letters.length === 1);
    expect(receiver.requests).toHaveLength(1);
    expect(letters[0]?.error?.message).toContain("InvalidRequestContent");
  });
});

describe("format functions", () => {
  it("are typed by the bus's event map and send what they return", async () => {
    const receiver = await startChatReceiver("slack");
    type Billing = { "invoice.paid": { invoice: string; amount_cents: number } };
    const bus = new EventBus<Billing>();
    const dispatcher = new WebhookDispatcher(
      bus,
      [
        {
          url: receiver.url,
          format: (payload, context) => ({
            // payload.data is typed: amount_cents is a number here.
            text: `${payload.event} ${payload.data.invoice}: ${(payload.data.amount_cents / 100).toFixed(2)} (${context.endpointId})`,
          }),
          id: "billing-chat",
        },
      ],
      { logger: null },
    );
    defer(() => dispatcher.close({ deadlineMs: 2000 }));
    bus.emit({ type: "invoice.paid", data: { invoice: "in_7", amount_cents: 1250 } });
    await receiver.waitForRequests(1);
    expect(JSON.parse(receiver.requests[0]?.body.toString("utf8") ?? "")).toEqual({
      text: "INVOICE.PAID in_7: 12.50 (billing-chat)",
    });
    expect(receiver.problems[0]).toEqual([]);
  });

  it("that throw dead-letter only that delivery, as format_failed, and the dispatcher carries on", async () => {
    const receiver = await startChatReceiver("slack");
    const bus = new EventBus();
    const { letters, dispatcher } = quietDispatcher(bus, [
      {
        url: receiver.url,
        format: (payload, context) => {
          if (payload.event === "DENIED") throw new Error("template missing for DENIED");
          return context.builtin.slack();
        },
      },
    ]);
    bus.emit({ type: "denied", data: sampleData("denied") });
    bus.emit({ type: "approved", data: sampleData("approved") });
    await receiver.waitForRequests(1);
    await until(() => letters.length === 1);
    expect(letters[0]?.reason).toBe("format_failed");
    expect(letters[0]?.payload.event).toBe("DENIED");
    expect(receiver.problems[0]).toEqual([]);
    expect(dispatcher.deliveries.list({ status: "dead" })[0]?.deadReason).toBe("format_failed");
    await dispatcher.close({ deadlineMs: 2000 });
    expect(receiver.requests).toHaveLength(1);
  });

  it("are refused for an unknown format name, naming the choices", () => {
    expect(
      () =>
        new WebhookDispatcher(new EventBus(), [
          { url: "https://x.test/h", format: "mattermost" as never },
        ]),
    ).toThrow(/format must be "attesta", "slack", "teams", "discord" or a function/);
  });
});
