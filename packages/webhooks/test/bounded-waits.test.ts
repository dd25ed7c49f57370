import { EventBus } from "@attesta/events";
import { startTestReceiver, until, within } from "@attesta/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "../src/dispatcher/webhook-dispatcher";
import type { DeadLetter, WebhookConfig, WebhookDispatcherOptions } from "../src/index";
import { SqliteStore } from "../src/sqlite/index";
import { tempDbPath } from "./sqlite/temp-file";
import { sampleData } from "./support/events";

const dispatchers: WebhookDispatcher[] = [];
afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.close({ deadlineMs: 0 });
});

const failing = () => startTestReceiver((_req, res) => res.writeHead(503).end());

function open(configs: WebhookConfig[], options: WebhookDispatcherOptions = {}) {
  const bus = new EventBus();
  const dead: DeadLetter[] = [];
  const opened: string[] = [];
  const dispatcher = new WebhookDispatcher(bus, configs, {
    logger: null,
    onDeadLetter: (letter) => dead.push(letter),
    ...options,
  });
  dispatchers.push(dispatcher);
  dispatcher.events.on("endpoint.circuit_opened", ({ data }) => opened.push(data.endpointId));
  const emit = (count: number) => {
    for (let n = 0; n < count; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
  };
  const forget = () => dispatchers.splice(dispatchers.indexOf(dispatcher), 1);
  return { dispatcher, dead, opened, emit, forget };
}

// Opens after two failures and stays open for a minute: only a deadline or an age limit ends a wait.
const breaker = { consecutiveFailures: 2, openMs: 60_000 };
const retries = { retryCount: 10, retryBaseDelayMs: 10, retryMaxDelayMs: 20 };

describe("waits behind an open circuit breaker", () => {
  it("flush({ deadlineMs }) returns at its deadline and says what is still owed; flush() without options still settles", async () => {
    const down = await failing();
    const up = await startTestReceiver();
    const { dispatcher, opened, emit } = open([
      { id: "down", url: down.url, circuitBreaker: breaker, ...retries },
      { id: "up", url: up.url },
    ]);
    emit(3);
    await until(() => opened.length === 1, 10_000);
    const started = performance.now();
    const result = await within(
      dispatcher.flush({ deadlineMs: 300 }),
      5000,
      "flush({ deadlineMs })",
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(result).toEqual({
      timedOut: true,
      owed: 3,
      held: 0,
      endpoints: [{ endpointId: "down", owed: 3 }],
    });
    expect(up.requests).toHaveLength(3);
    await expect(dispatcher.flush({ deadlineMs: -1 })).rejects.toThrow(/flush\(\{ deadlineMs \}\)/);
    dispatcher.disableEndpoint("down");
    expect(await within(dispatcher.flush(), 5000, "flush()")).toEqual({
      timedOut: false,
      owed: 0,
      held: 3,
      endpoints: [],
    });
  });

  it.each(["memory", "sqlite"] as const)(
    "close() without a deadline ends once the held deliveries reach expireAfterMs, dead-lettered as expired (%s store)",
    async (kind) => {
      const down = await failing();
      const store = kind === "sqlite" ? new SqliteStore({ path: tempDbPath() }) : undefined;
      const config = {
        id: "down",
        url: down.url,
        circuitBreaker: breaker,
        expireAfterMs: 1500,
        ...retries,
      };
      const { dispatcher, dead, opened, emit, forget } = open([config], store ? { store } : {});
      emit(4);
      await until(() => opened.length === 1, 10_000);
      forget();
      const report = await within(dispatcher.close(), 10_000, "close() behind an open breaker");
      expect(report.timedOut).toBe(false);
      expect(report.undelivered.map((l) => l.reason)).toEqual([
        "expired",
        "expired",
        "expired",
        "expired",
      ]);
      expect(dead.map((l) => l.reason)).toEqual(["expired", "expired", "expired", "expired"]);
      expect(report.kept).toBe(0);
      // Each expired after its own attempts, under the breaker's hold.
      expect(down.requests.length).toBeGreaterThanOrEqual(2);
    },
  );

  it("expires the deliveries a disabled endpoint holds, in a SqliteStore, and the file says so", async () => {
    const hooks = await startTestReceiver();
    const path = tempDbPath();
    const { dispatcher, dead, emit } = open([{ id: "off", url: hooks.url, expireAfterMs: 300 }], {
      store: new SqliteStore({ path }),
    });
    dispatcher.disableEndpoint("off");
    emit(5);
    await until(() => dead.length === 5, 5000);
    expect(dead.every((l) => l.reason === "expired" && l.attempts === 0)).toBe(true);
    await dispatcher.persisted();
    expect(dispatcher.deliveries.list({ status: "dead" }).map((d) => d.deadReason)).toEqual(
      Array(5).fill("expired"),
    );
    expect(dispatcher.stats().queued).toBe(0);
    expect(hooks.requests).toHaveLength(0);
  });

  it("circuitBreaker: false never opens a breaker: each delivery runs its own retries to the end", async () => {
    const down = await failing();
    const { dispatcher, dead, opened, emit } = open([
      { id: "down", url: down.url, circuitBreaker: false, retryCount: 2, retryBaseDelayMs: 10 },
    ]);
    emit(6);
    const result = await within(dispatcher.flush(), 10_000, "flush() with the breaker off");
    expect(result).toMatchObject({ timedOut: false, owed: 0 });
    expect(opened).toEqual([]);
    expect(down.requests).toHaveLength(18);
    expect(dead.map((l) => `${l.reason} ${l.attempts}`)).toEqual(Array(6).fill("exhausted 3"));
  });

  it("refuses a bad expireAfterMs and a circuitBreaker that is neither options nor false", () => {
    expect(() => open([{ url: "http://127.0.0.1:9/x", expireAfterMs: 0 }])).toThrow(
      /config\[0\]\.expireAfterMs must be an integer number of ms ≥ 1/,
    );
    expect(() => open([{ url: "http://127.0.0.1:9/x", circuitBreaker: true as never }])).toThrow(
      /circuitBreaker must be an object, or false/,
    );
  });
});
