import { closeSync, openSync, writeSync } from "node:fs";
import { EventBus } from "@attesta/events";
import { startTestReceiver, until, within } from "@attesta/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { WebhookDispatcher } from "../src/dispatcher/webhook-dispatcher";
import type { DispatcherEvents } from "../src/index";
import { SqliteStore, SqliteStoreError } from "../src/sqlite/index";
import { openRaw } from "./sqlite/raw-database";
import { tempDbPath } from "./sqlite/temp-file";
import { sampleData } from "./support/events";

const dispatchers: WebhookDispatcher[] = [];
afterEach(async () => {
  for (const dispatcher of dispatchers.splice(0)) await dispatcher.close({ deadlineMs: 0 });
});

function start(bus: EventBus, url: string, store: SqliteStore, logger = null as never) {
  const dispatcher = new WebhookDispatcher(bus, [{ id: "a", url, secret: "whsec_check" }], {
    store,
    logger,
  });
  dispatchers.push(dispatcher);
  return dispatcher;
}

/** A store file holding `count` delivered deliveries, their attempt rows over several pages. */
async function deliveredFile(url: string, count: number): Promise<string> {
  const path = tempDbPath();
  const bus = new EventBus();
  const dispatcher = start(bus, url, new SqliteStore({ path }));
  for (let n = 0; n < count; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
  const { timedOut } = await dispatcher.flush({ deadlineMs: 20_000 });
  expect(timedOut).toBe(false);
  await dispatcher.close();
  dispatchers.splice(0);
  return path;
}

/** Overwrites the root page of the attempts table, which opening a store never reads. */
function damageAttempts(path: string): void {
  const db = openRaw(path, { readonly: true });
  const root = db
    .prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'attempts'")
    .pluck()
    .get() as number;
  const pageSize = db.pragma("page_size", { simple: true }) as number;
  const pages = db.pragma("page_count", { simple: true }) as number;
  db.close();
  // More than one page of attempts: the root is an interior page, its damage structural.
  expect(pages).toBeGreaterThan(root + 4);
  const junk = Buffer.from(Array.from({ length: pageSize }, (_, i) => (i * 37 + 11) % 256));
  const fd = openSync(path, "r+");
  writeSync(fd, junk, 0, pageSize, (root - 1) * pageSize);
  closeSync(fd);
}

describe("SqliteStore integrity check", () => {
  it("checks a healthy file in the background while delivering, then reports ok", async () => {
    const receiver = await startTestReceiver();
    const path = await deliveredFile(receiver.url, 300);
    const store = new SqliteStore({ path, integrityCheck: "background" });
    const bus = new EventBus();
    const dispatcher = start(bus, receiver.url, store);
    expect(["checking", "ok"]).toContain(dispatcher.stats().store?.integrity);
    bus.emit({ type: "approved", data: sampleData("approved", 300) });
    await within(receiver.waitForRequests(301), 10_000, "the event after reopening");
    await until(() => store.integrity === "ok", 10_000);
    expect(dispatcher.stats().store).toMatchObject({ kind: "sqlite", integrity: "ok" });
  });

  it("finds overwritten pages in the background, stops sending and reports it; by default a small file is refused at open", async () => {
    const receiver = await startTestReceiver();
    const path = await deliveredFile(receiver.url, 400);
    damageAttempts(path);

    // Small files are checked in full before use unless told otherwise.
    const refused = new SqliteStore({ path });
    expect(() => start(new EventBus(), receiver.url, refused)).toThrow(SqliteStoreError);

    const errors: string[] = [];
    const warnings: DispatcherEvents["store.warning"][] = [];
    const store = new SqliteStore({ path, integrityCheck: "background" });
    const bus = new EventBus();
    const dispatcher = start(bus, receiver.url, store, {
      error: (message: string) => errors.push(message),
      warn: () => {},
    } as never);
    dispatcher.events.on("store.warning", ({ data }) => warnings.push(data));
    await until(() => store.integrity !== "checking", 10_000);
    expect(store.integrity).toBe("corrupt");
    expect(dispatcher.stats().store).toMatchObject({ kind: "sqlite", integrity: "corrupt" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ kind: "corrupt" });
    expect(warnings[0]?.message).toMatch(
      /is damaged: SQLite's quick_check reports .+ sends nothing more/,
    );
    expect(errors.filter((line) => line.includes("file is damaged"))).toHaveLength(1);

    // New events still reach the file, but nothing is sent from it.
    for (let n = 0; n < 5; n++) bus.emit({ type: "approved", data: sampleData("approved", n) });
    await within(dispatcher.persisted(), 5000, "persisted() on the damaged file");
    const flushed = await dispatcher.flush({ deadlineMs: 300 });
    expect(flushed).toMatchObject({ timedOut: true, owed: 5 });
    expect(receiver.requests).toHaveLength(400);
  });

  it('"off" opens a damaged file unchecked; the option is validated', async () => {
    const receiver = await startTestReceiver();
    const path = await deliveredFile(receiver.url, 400);
    damageAttempts(path);
    const store = new SqliteStore({ path, integrityCheck: "off" });
    start(new EventBus(), receiver.url, store);
    expect(store.integrity).toBe("unchecked");
    expect(() => new SqliteStore({ path, integrityCheck: "later" as never })).toThrow(
      /integrityCheck.*"open" or "background" or "off"/,
    );
  });
});
