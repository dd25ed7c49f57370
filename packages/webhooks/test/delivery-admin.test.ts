import { EventBus } from "@attesta/events";
import type { Responder } from "@attesta/test-support";
import { defer, startTestReceiver, until } from "@attesta/test-support";
import { afterAll, describe, expect, it, vi } from "vitest";
import { type DeliveryAdmin, dispatcherAdmin, WebhookDispatcher } from "../src/index";
import { PostgresStore } from "../src/postgres/index";
import { SqliteStore } from "../src/sqlite/index";
import type { DeliveryStore } from "../src/store/delivery-store";
import { DATABASE_URL, dropSchemas, freshSchema } from "./postgres/database";
import { tempDbPath } from "./sqlite/temp-file";
import { sampleData } from "./support/events";

const fast = {
  retryCount: 0,
  retryBaseDelayMs: 5,
  retryMaxDelayMs: 20,
  circuitBreaker: { consecutiveFailures: 1000, minimumAttempts: 1000 },
};
/** Fails until `healthy` is set, then accepts. */
function switchable() {
  const state = { healthy: false };
  const responder: Responder = (_req, res) =>
    state.healthy ? res.writeHead(204).end() : res.writeHead(500).end("<img src=x>");
  return { state, responder };
}

async function liveDispatcher(store?: DeliveryStore) {
  const { state, responder } = switchable();
  const receiver = await startTestReceiver(responder);
  const bus = new EventBus();
  const dispatcher = new WebhookDispatcher(
    bus,
    [
      { id: "billing", url: receiver.url, secret: "whsec_billing_0123456789", ...fast },
      {
        id: "audit",
        url: receiver.url,
        secret: "whsec_audit_0123456789",
        events: ["denied"],
        ...fast,
      },
    ],
    { logger: null, ...(store === undefined ? {} : { store }) },
  );
  defer(() => dispatcher.close({ deadlineMs: 1000 }));
  return { state, receiver, bus, dispatcher, store };
}

async function allPages(admin: DeliveryAdmin, query: Parameters<DeliveryAdmin["deliveries"]>[0]) {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await admin.deliveries({
      ...query,
      ...(cursor === undefined ? {} : { cursor }),
    });
    ids.push(...result.items.map((item) => item.id));
    cursor = result.nextCursor;
    if (cursor === undefined) break;
  }
  return ids;
}

/** The stores a live dispatcher's admin is checked on; the durable ones page by SQL. */
const STORES: [string, () => DeliveryStore | undefined][] = [
  ["the memory store", () => undefined],
  ["SqliteStore", () => new SqliteStore({ path: tempDbPath("admin-live") })],
  [
    "PostgresStore",
    () => new PostgresStore({ connection: DATABASE_URL, schema: freshSchema("attesta_admin") }),
  ],
];

describe("dispatcherAdmin", () => {
  it.each(STORES)(
    "on %s: pages newest first with a keyset cursor, filters, and redelivers over real HTTP",
    async (_name, makeStore) => {
      const { state, receiver, bus, dispatcher, store } = await liveDispatcher(makeStore());
      for (let i = 0; i < 7; i++)
        bus.emit({ type: i % 2 ? "denied" : "approved", data: sampleData("approved", i) });
      await dispatcher.flush();
      const admin = dispatcherAdmin(dispatcher);
      // A store that pages by itself is never read whole for a page.
      const list = store === undefined ? undefined : vi.spyOn(store, "list");
      const all = await allPages(admin, { limit: 3 });
      expect(list?.mock.calls ?? []).toEqual([]);
      expect(all).toHaveLength(10);
      expect(new Set(all).size).toBe(10);
      const listed = dispatcher.deliveries.list({ limit: 100 }).map((d) => d.id);
      expect([...all].sort()).toEqual([...listed].sort());
      const audit = await admin.deliveries({ endpoints: ["audit"], status: "dead" });
      expect(audit.items.map((d) => d.event)).toEqual(["DENIED", "DENIED", "DENIED"]);

      const health = await admin.endpoints();
      expect(health.find((e) => e.id === "billing")).toMatchObject({
        failureRate: 1,
        pending: 0,
        state: "enabled",
      });
      expect(JSON.stringify(health)).not.toContain("whsec_");

      state.healthy = true;
      const one = audit.items[0]?.id as string;
      expect(await admin.redeliver(one)).toBe(true);
      expect(await admin.retry({ endpoints: ["audit"] })).toBe(2);
      expect(await admin.recover({ since: 0 })).toBe(7);
      await dispatcher.flush();
      expect((await admin.delivery(one))?.status).toBe("delivered");
      expect(receiver.requests).toHaveLength(20);
      const minutes = await admin.stats({ since: Date.now() - 120_000, until: Date.now() + 1 });
      expect(minutes.reduce((sum, m) => sum + m.delivered, 0)).toBe(10);
    },
  );

  it("disables and enables an endpoint, rotates its secret, and reports changes while watched", async () => {
    const { state, receiver, bus, dispatcher } = await liveDispatcher();
    state.healthy = true;
    const admin = dispatcherAdmin(dispatcher);
    const changes: string[] = [];
    const stop = admin.watch?.((change) =>
      changes.push(`${change.kind}:${change.endpointId ?? ""}`),
    );
    defer(async () => stop?.());
    expect(await admin.disableEndpoint("billing")).toBe(true);
    expect((await admin.endpoints()).find((e) => e.id === "billing")?.state).toBe("disabled");
    expect(await admin.enableEndpoint("billing")).toBe(true);
    await admin.rotateSecret("billing", "whsec_rotated_abcdefghijkl");
    bus.emit({ type: "approved", data: sampleData("approved") });
    await dispatcher.flush();
    await until(() => changes.includes("deliveries:"), 5000);
    expect(changes).toContain("endpoints:billing");
    expect(receiver.requests).toHaveLength(1);
    await expect(admin.rotateSecret("billing", "short")).rejects.toThrow(/at least 16 characters/);
    await expect(admin.deliveries({ limit: 0 })).rejects.toThrow(/limit/);
  });
});

describe("SqliteInspector.admin", () => {
  it("reads a live dispatcher's file page by page and requests redeliveries the owner carries out", async () => {
    const path = tempDbPath();
    const store = new SqliteStore({ path });
    const { state, bus, dispatcher } = await liveDispatcher(store);
    for (let i = 0; i < 5; i++) bus.emit({ type: "denied", data: sampleData("denied", i) });
    await dispatcher.flush();
    store.commit();
    const admin = SqliteStore.inspect(path).admin();
    defer(() => admin.close());
    expect(admin.capabilities).toMatchObject({ deferred: true, toggleEndpoints: false });
    const dead = await allPages(admin, { status: "dead", limit: 4 });
    expect(dead).toHaveLength(10);
    expect(await allPages(admin, { endpoints: ["audit"], limit: 2 })).toHaveLength(5);
    expect((await admin.endpoints()).map((e) => [e.id, e.failureRate])).toEqual([
      ["audit", 1],
      ["billing", 1],
    ]);
    await expect(admin.disableEndpoint("audit")).rejects.toThrow(/not possible on a SQLite file/);
    await expect(admin.deliveries({ cursor: "nonsense" })).rejects.toThrow(/cursor/);

    state.healthy = true;
    expect(await admin.recover({ since: 0, endpoints: ["billing"] })).toBe(5);
    await until(() => dispatcher.stats().delivered === 5, 10_000);
    store.commit();
    const minutes = await admin.stats({ since: Date.now() - 60_000, until: Date.now() + 1 });
    expect(minutes.reduce((sum, m) => sum + m.delivered, 0)).toBe(5);
    expect(minutes.reduce((sum, m) => sum + m.failed, 0)).toBe(5);
  });
});

describe("PostgresInspector.admin", () => {
  afterAll(dropSchemas);

  it("pages a live schema newest first in SQL, counts per minute, and redelivers through the owning process", async () => {
    const schema = freshSchema();
    const store = new PostgresStore({ connection: DATABASE_URL, schema });
    const { state, bus, dispatcher } = await liveDispatcher(store);
    for (let i = 0; i < 5; i++) bus.emit({ type: "denied", data: sampleData("denied", i) });
    await dispatcher.flush();
    const admin = PostgresStore.inspect(DATABASE_URL, schema).admin();
    defer(() => admin.close());
    expect(admin).toMatchObject({ kind: "postgres", capabilities: { deferred: true } });
    // Settlements reach the database with the store's next commit.
    await until(
      async () => (await allPages(admin, { status: "dead", limit: 4 })).length === 10,
      15_000,
      50,
    );
    const newestFirst = (await admin.deliveries({ limit: 10 })).items.map((d) => d.createdAt);
    expect(newestFirst).toEqual([...newestFirst].sort((a, b) => b - a));
    expect(await allPages(admin, { endpoints: ["audit"], event: "denied", limit: 2 })).toHaveLength(
      5,
    );
    expect(await allPages(admin, { since: Date.now() + 60_000 })).toEqual([]);
    const first = (await admin.deliveries({ status: "dead", limit: 1 })).items[0];
    expect(first?.attemptLog[0]?.status).toBe(500);
    expect((await admin.endpoints()).map((e) => [e.id, e.failureRate, e.state, e.pending])).toEqual(
      [
        ["audit", 1, "enabled", 0],
        ["billing", 1, "enabled", 0],
      ],
    );
    expect(JSON.stringify(await admin.endpoints())).not.toContain("whsec_");
    await expect(admin.disableEndpoint("audit")).rejects.toThrow(/not possible on a PostgreSQL/);
    await expect(admin.deliveries({ cursor: "nonsense" })).rejects.toThrow(/cursor/);

    state.healthy = true;
    expect(await admin.redeliver(first?.id as string)).toBe(true);
    expect(await admin.recover({ since: 0, endpoints: ["billing"] })).toBe(5);
    expect(await admin.retry({ endpoints: ["billing"] })).toBe(0);
    await until(
      async () => (await admin.deliveries({ status: "delivered" })).items.length === 6,
      15_000,
      50,
    );
    const minutes = await admin.stats({ since: Date.now() - 60_000, until: Date.now() + 1 });
    expect(minutes.reduce((sum, m) => sum + m.delivered, 0)).toBe(6);
    expect(minutes.reduce((sum, m) => sum + m.failed, 0)).toBe(4);
  });
});
