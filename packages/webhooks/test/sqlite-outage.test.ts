import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { EventBus } from "@attesta/events";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "../src/dispatcher/webhook-dispatcher";
import { SqliteStore } from "../src/sqlite/index";
import { tempDbPath } from "./sqlite/temp-file";
import { sampleData } from "./support/events";
import { until } from "./support/until";

const EVENTS = 50_000;

/** A port on 127.0.0.1 where nothing listens now (the receiver is down). */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** The receiver coming up on `port`: answers 204 and records each event's `n` and delivery id. */
async function receiverOn(port: number) {
  const seen = new Map<number, Set<string>>();
  let requests = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests++;
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const n = body.data.metadata.n as number;
      const ids = seen.get(n) ?? new Set<string>();
      ids.add(String(req.headers["x-attesta-delivery"]));
      seen.set(n, ids);
      res.writeHead(204).end();
    });
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { seen, requests: () => requests, close };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("SqliteStore through a receiver outage", () => {
  it(`keeps ${EVENTS} events emitted while the receiver is down (default store and queue options) and delivers them all once it is up`, async () => {
    const path = tempDbPath();
    const port = await freePort();
    const bus = new EventBus();
    const drops: number[] = [];
    const deadLetters: string[] = [];
    const dispatcher = new WebhookDispatcher(
      bus,
      [
        {
          id: "hooks",
          url: `http://127.0.0.1:${port}/hook`,
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
    cleanups.push(() => dispatcher.close({ deadlineMs: 1000 }).then(() => undefined));

    for (let n = 0; n < EVENTS; n++) {
      bus.emit({ type: "approved", data: sampleData("approved", n) });
      if (n % 5000 === 4999) await dispatcher.persisted();
    }
    await dispatcher.persisted();
    // Every event is owed and in the file; none was dropped for lack of memory.
    expect(dispatcher.stats().queued + dispatcher.stats().inFlight).toBe(EVENTS);
    expect(drops).toHaveLength(0);
    const inspector = SqliteStore.inspect(path);
    cleanups.push(async () => inspector.close());
    expect(inspector.counts().pending).toBe(EVENTS);

    const receiver = await receiverOn(port);
    cleanups.push(receiver.close);
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
