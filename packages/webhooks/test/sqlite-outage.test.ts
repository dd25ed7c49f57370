import { EventBus } from "@attesta/events";
import { deadUrl, defer, startTestReceiver, until } from "@attesta/test-support";
import { describe, expect, it } from "vitest";
import { WebhookDispatcher } from "../src/dispatcher/webhook-dispatcher";
import { SqliteStore } from "../src/sqlite/index";
import { tempDbPath } from "./sqlite/temp-file";
import { sampleData } from "./support/events";

const EVENTS = 50_000;

/** The receiver coming up on `port`: answers 204 and records each event's `n` and delivery id. */
async function receiverOn(port: number) {
  const seen = new Map<number, Set<string>>();
  const receiver = await startTestReceiver(
    (req, res) => {
      const n = JSON.parse(req.body.toString("utf8")).data.metadata.n as number;
      const ids = seen.get(n) ?? new Set<string>();
      ids.add(String(req.headers["x-attesta-delivery"]));
      seen.set(n, ids);
      res.writeHead(204).end();
    },
    "/hook",
    port,
  );
  return { seen, requests: () => receiver.requests.length };
}

describe("SqliteStore through a receiver outage", () => {
  it(`keeps ${EVENTS} events emitted while the receiver is down (default store and queue options) and delivers them all once it is up`, async () => {
    const path = tempDbPath();
    // Nothing listens there until the receiver comes up on the same port.
    const url = await deadUrl();
    const port = Number(new URL(url).port);
    const bus = new EventBus();
    const drops: number[] = [];
    const deadLetters: string[] = [];
    const dispatcher = new WebhookDispatcher(
      bus,
      [
        {
          id: "hooks",
          url,
          secret: "whsec_outage",
          // Default maxQueueSize (10,000) and overflow: the bound that used to
          // delete acknowledged events. Retries and the breaker are sized so
          // that an outage of a test's length exhausts neither.
          retryCount: 1000,
          retryBaseDelayMs: 20,
          retryMaxDelayMs: 200,
          circuitBreaker: { openMs: 100, maxOpenMs: 200 },
        },
      ],
      {
        store: new SqliteStore({ path }),
        logger: null,
        onDrop: () => drops.push(1),
        onDeadLetter: (letter) => deadLetters.push(letter.reason),
      },
    );
    defer(() => dispatcher.close({ deadlineMs: 1000 }));

    for (let n = 0; n < EVENTS; n++) {
      bus.emit({ type: "approved", data: sampleData("approved", n) });
      if (n % 5000 === 4999) await dispatcher.persisted();
    }
    await dispatcher.persisted();
    // Every event is owed and in the file; none was dropped for lack of memory.
    expect(dispatcher.stats().queued + dispatcher.stats().inFlight).toBe(EVENTS);
    expect(drops).toHaveLength(0);
    const inspector = SqliteStore.inspect(path);
    defer(async () => inspector.close());
    expect(inspector.counts().pending).toBe(EVENTS);

    const receiver = await receiverOn(port);
    await until(() => receiver.seen.size === EVENTS, 180_000);
    await until(() => inspector.counts().pending === 0, 30_000);

    const ids = new Set<string>();
    for (const set of receiver.seen.values()) for (const id of set) ids.add(id);
    const repeated = [...receiver.seen.values()].filter((set) => set.size > 1).length;
    console.log(
      `outage: ${EVENTS} emitted while down, ${receiver.seen.size} delivered, ${drops.length} dropped, ${deadLetters.length} dead, ${receiver.requests()} requests after the receiver came up`,
    );
    expect(receiver.seen.size).toBe(EVENTS);
    // One delivery id per event, whatever was retried.
    expect(repeated).toBe(0);
    expect(ids.size).toBe(EVENTS);
    expect(drops).toHaveLength(0);
    expect(deadLetters).toEqual([]);
    expect(inspector.counts()).toMatchObject({ pending: 0, delivered: EVENTS, dead: 0 });
  }, 240_000);
});
