/**
 * Which process holds a pending row in memory (`holder`, schema 3): the owner
 * of an endpoint holds what its window has, pages in only rows no process
 * holds, and a process that takes an endpoint over frees what another held.
 * Real PostgreSQL; the stores run in this process, each with its own thread.
 */
import { until } from "@attesta/test-support";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/postgres/postgres-store";
import { DATABASE_URL, dropSchemas, freshSchema, query } from "./postgres/database";
import { event, testContext } from "./support/store-contract";

const stores: PostgresStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0).reverse()) await store.close();
});
afterAll(dropSchemas);

/** A store whose windows hold 4 deliveries, renewing its leases every 100 ms. */
function openStore(schema: string) {
  const store = new PostgresStore({ connection: DATABASE_URL, schema, leaseMs: 300 });
  const context = testContext();
  context.maxPending = 4;
  store.open(context);
  stores.push(store);
  return store;
}

const ownerOf = (store: PostgresStore) => {
  const open = (store as unknown as { opened: { leases: { owner: string } } }).opened;
  return open.leases.owner;
};

/** Holder of each pending row by its event's number (null: no process holds it). */
async function holders(schema: string): Promise<Record<number, string | null>> {
  const { rows } = await query(
    `SELECT (convert_from(body, 'UTF8')::json -> 'data' -> 'metadata' ->> 'n')::int AS n, holder
     FROM "${schema}".deliveries WHERE status = 'pending' ORDER BY n`,
  );
  return Object.fromEntries(rows.map((row) => [row.n, row.holder]));
}

const nOf = (body: Uint8Array) =>
  (JSON.parse(Buffer.from(body).toString("utf8")) as { data: { metadata: { n: number } } }).data
    .metadata.n;

/** Leases up to `limit` deliveries and settles them delivered; their events' numbers. */
function deliverLeased(store: PostgresStore, endpointId: string, limit: number): number[] {
  return store.lease(endpointId, Date.now(), limit).map((delivery) => {
    store.recordAttempt(
      delivery.id,
      { attempt: 1, startedAt: Date.now(), durationMs: 1, status: 200 },
      { status: "delivered" },
    );
    return nOf(delivery.body);
  });
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("PostgresStore: the holder of a pending row", () => {
  it("the owner holds what its window has; rows past it and rows of a process that does not deliver the endpoint are held by no one until paged in", async () => {
    const schema = freshSchema("attesta_holders");
    const owner = openStore(schema);
    for (let n = 0; n < 6; n++) owner.enqueue("h", event(n));
    await owner.persisted();
    const writer = openStore(schema);
    for (let n = 6; n < 8; n++) writer.enqueue("h", event(n));
    await writer.persisted();
    const me = ownerOf(owner);
    expect(await holders(schema)).toEqual({
      ...{ 0: me, 1: me, 2: me, 3: me },
      ...{ 4: null, 5: null, 6: null, 7: null },
    });

    // As the window drains, the owner pages the rest in, oldest first, and holds them.
    const sent: number[] = [];
    for (let round = 0; round < 10 && sent.length < 8; round++)
      sent.push(...deliverLeased(owner, "h", 3));
    expect(sent).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    await owner.persisted();
    expect(await holders(schema)).toEqual({});
  });

  it("a process that takes an endpoint over frees what the former owner held and delivers it", async () => {
    const schema = freshSchema("attesta_holders");
    const first = openStore(schema);
    for (let n = 0; n < 3; n++) first.enqueue("t", event(n));
    await first.persisted();
    const second = openStore(schema);
    second.enqueue("t", event(3));
    await second.persisted();
    // The owner pages in the other process's row when notified, and holds it too.
    const held = ownerOf(first);
    const all = { 0: held, 1: held, 2: held, 3: held };
    let seen = {};
    const allHeld = async () => {
      seen = await holders(schema);
      return JSON.stringify(seen) === JSON.stringify(all);
    };
    await until(allHeld, 10_000, 20, () => JSON.stringify(seen));

    // The owner goes (its rows stay held by it, as after a kill) and hands the endpoint on:
    // the process that takes it must free those rows, or they would wait forever.
    await first.close();
    const sent: number[] = [];
    for (let round = 0; round < 100 && sent.length < 4; round++) {
      sent.push(...deliverLeased(second, "t", 10));
      await pause(20);
    }
    expect(sent).toEqual([0, 1, 2, 3]);
    await second.persisted();
    expect(await holders(schema)).toEqual({});
  });
});
