import { EventBus } from "@attesta/events";
import { defer, startTestReceiver } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import {
  type DeadLetter,
  type EventSource,
  WebhookDispatcher,
  type WebhookLogger,
} from "../src/index";
import { sampleData } from "./support/events";

function capturingLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const logger: WebhookLogger = {
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
  };
  return { lines, logger };
}

describe("the silent paths, made loud", () => {
  it("warns once at construction about endpoints without a secret, and on addEndpoint", async () => {
    const { lines, logger } = capturingLogger();
    const dispatcher = new WebhookDispatcher(
      new EventBus(),
      [
        { id: "a", url: "https://a.example/hook" },
        { id: "b", url: "https://b.example/hook" },
        { id: "signed", url: "https://c.example/hook", secret: "whsec_x" },
      ],
      { logger },
    );
    defer(() => dispatcher.close());
    expect(lines).toEqual([
      {
        level: "warn",
        message: expect.stringMatching(
          /^2 endpoint\(s\) have no secret, so their requests are unsigned.*Fix: set secret/,
        ),
        fields: { endpoints: ["a", "b"] },
      },
    ]);
    dispatcher.addEndpoint({ id: "c", url: "https://c.example/other" });
    dispatcher.addEndpoint({ id: "d", url: "https://d.example/other", secret: "whsec_y" });
    expect(lines).toHaveLength(2);
    expect(lines[1]?.fields).toEqual({ endpoints: ["c"] });
    expect(JSON.stringify(lines)).not.toContain("whsec_");
  });

  it("refuses a bus whose onAny returns no unsubscribe function, before opening anything", () => {
    let handlers = 0;
    const bus = {
      onAny: () => {
        handlers++;
        return undefined;
      },
    } as unknown as EventSource;
    expect(() => new WebhookDispatcher(bus, [], { logger: null })).toThrow(
      /^@attesta\/webhooks: bus\.onAny\(handler\) must return an unsubscribe function; got undefined\. Fix:/,
    );
    expect(handlers).toBe(1);
  });

  it("refuses data that is not a JSON object locally, without a request", async () => {
    const receiver = await startTestReceiver();
    const bus = new EventBus<{ "metric.sampled": unknown; approved: object }>();
    const letters: DeadLetter[] = [];
    const dispatcher = new WebhookDispatcher(bus, [{ url: receiver.url }], {
      logger: null,
      onDeadLetter: (letter) => letters.push(letter),
    });
    defer(() => dispatcher.close());
    bus.emit({ type: "metric.sampled", data: 42 });
    bus.emit({ type: "metric.sampled", data: ["a"] });
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(letters.map((letter) => letter.reason)).toEqual(["unserializable", "unserializable"]);
    expect(letters[0]?.error?.message).toMatch(
      /event data cannot be sent: @attesta\/webhooks: the data of a "metric\.sampled" event must be a JSON object; got number\. Fix:/,
    );
    expect(letters[1]?.error?.message).toMatch(/got an array/);
  });

  it("logs dead letters without empty fields such as status: undefined", async () => {
    const { lines, logger } = capturingLogger();
    const dispatcher = new WebhookDispatcher(
      new EventBus(),
      [{ url: "http://127.0.0.1:9/refused", secret: "whsec_x", retryCount: 0 }],
      { logger },
    );
    dispatcher.dispatch({ type: "approved", timestamp: Date.now(), data: sampleData("approved") });
    await dispatcher.close();
    const line = lines.find((entry) => entry.message.includes("not delivered"));
    expect(line?.fields).toBeDefined();
    expect(Object.keys(line?.fields ?? {})).not.toContain("status");
    expect(Object.values(line?.fields ?? {})).not.toContain(undefined);
    expect(line?.fields).toMatchObject({
      endpoint: "http://127.0.0.1:9/refused",
      event: "APPROVED",
    });
  });
});
