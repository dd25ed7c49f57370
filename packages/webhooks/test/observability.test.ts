import { EventBus } from "@attesta/events";
import { defer, startTestReceiver } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import { WebhookDispatcher, type WebhookLogger } from "../src/index";
import { sampleData } from "./support/events";

function capturingLogger() {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const logger: Required<WebhookLogger> = {
    debug: (message, fields) => lines.push({ level: "debug", message, fields }),
    warn: (message, fields) => lines.push({ level: "warn", message, fields }),
    error: (message, fields) => lines.push({ level: "error", message, fields }),
  };
  return { lines, logger };
}

describe("logging", () => {
  it("never logs the secret, the body or the query string", async () => {
    const secret = "whsec_do-not-log-me";
    const receiver = await startTestReceiver((_req, res) =>
      res.writeHead(500).end("internal details"),
    );
    const { lines, logger } = capturingLogger();
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(
      bus,
      [{ url: `${receiver.url}?token=query-token`, secret, retryCount: 1, retryBaseDelayMs: 1 }],
      { logger },
    );
    defer(() => dispatcher.close());
    bus.emit({ type: "denied", data: { ...sampleData("denied"), reason: "body-marker-text" } });
    await dispatcher.flush();

    expect(lines.map((line) => line.level)).toEqual(["debug", "debug", "warn"]);
    expect(lines[2]?.message).toMatch(/not delivered \(exhausted\) after 2 attempt\(s\)/);
    expect(lines[2]?.fields).toMatchObject({
      endpoint: receiver.url,
      event: "DENIED",
      status: 500,
    });
    const everything = JSON.stringify(lines);
    for (const secretish of [secret, "body-marker-text", "query-token", "internal details"]) {
      expect(everything).not.toContain(secretish);
    }
  });

  it("logs a hook that throws and keeps delivering", async () => {
    const receiver = await startTestReceiver();
    const { lines, logger } = capturingLogger();
    const bus = new EventBus();
    const dispatcher = new WebhookDispatcher(bus, [{ url: receiver.url }], {
      logger,
      onAttempt: () => {
        throw new Error("broken hook");
      },
    });
    defer(() => dispatcher.close());
    const reported: { hook: string; count: number }[] = [];
    dispatcher.events.on("dispatcher.hook_failed", ({ data }) => reported.push(data));
    bus.emit({ type: "approved", data: sampleData("approved", 1) });
    bus.emit({ type: "approved", data: sampleData("approved", 2) });
    await dispatcher.flush();
    expect(dispatcher.stats().delivered).toBe(2);
    // Rate-limited like drop warnings: one line per hook per second, with the count.
    expect(lines.filter((line) => line.message.startsWith("onAttempt hook threw"))).toHaveLength(0);
    await dispatcher.close();
    expect(lines.filter((line) => line.message.startsWith("onAttempt hook threw"))).toEqual([
      expect.objectContaining({ message: "onAttempt hook threw 2 time(s) in the last second" }),
    ]);
    expect(reported).toEqual([expect.objectContaining({ hook: "onAttempt", count: 2 })]);
  });
});

describe("construction", () => {
  it("fails with a TypeError and does not subscribe when a config is invalid", () => {
    const bus = new EventBus();
    expect(
      () =>
        new WebhookDispatcher(bus, [
          { url: "https://ok.example.com" },
          { url: "mailto:ops@example.com" },
        ]),
    ).toThrow(
      /^@attesta\/webhooks: config\[1\]\.url must be an http: or https: URL; got "REDACTED@example.com"\. Fix:/,
    );
    expect(bus.listenerCount()).toBe(0);
  });

  it("rejects something that is not a bus", () => {
    expect(() => new WebhookDispatcher({} as never, [])).toThrow(
      /bus must be an EventBus \(an object with onAny\)/,
    );
  });

  it("rejects event names the bus cannot emit", () => {
    expect(
      () =>
        new WebhookDispatcher(new EventBus(), [
          { url: "https://ok.example.com", events: ["DENIED" as never] },
        ]),
    ).toThrow(/config\[0\]\.events\[0\] must be an event name as the bus emits it; got "DENIED"/);
  });
});
