import { afterAll, afterEach, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/postgres/postgres-store";
import { DATABASE_URL, dropSchemas, freshSchema, query } from "./postgres/database";
import { event, testContext } from "./support/store-contract";

// The owner of an endpoint pages its rows into its window oldest first; rows that become
// pending behind the rows it has read already (a redelivery, an insert that committed late)
// must still come, however the refill finds its place in the table.

const stores: PostgresStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0).reverse()) await store.close();
});
afterAll(dropSchemas);

function openStore(schema: string) {
  const store = new PostgresStore({ connection: DATABASE_URL, schema, pollIntervalMs: 50 });
  store.open(testContext());
  stores.push(store);
  return store;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Leases and delivers what the owner has, until `count` arrived or about 10 s passed; their ids. */
async function deliverAll(store: PostgresStore, endpoint: string, count: number) {
  const ids: string[] = [];
  for (let round = 0; round < 200 && ids.length < count; round++) {
    for (const delivery of store.lease(endpoint, Date.now(), 100)) {
      store.recordAttempt(
        delivery.id,
        { attempt: delivery.attempts + 1, startedAt: Date.now(), durationMs: 1, status: 200 },
        { status: "delivered" },
      );
      ids.push(delivery.id);
    }
    if (ids.length < count) await pause(50);
  }
  await store.persisted();
  return ids;
}

describe("PostgresStore: the window's refill", () => {
  it("pages in rows made pending behind those read: another process's redelivery and a late commit", async () => {
    const schema = freshSchema();
    const owner = openStore(schema);
    owner.enqueue("k", event(0)); // Claims the endpoint: the other process only writes rows.
    const writer = openStore(schema);
    for (let n = 1; n <= 20; n++) writer.enqueue("k", event(n));
    await writer.persisted();
    const first = await deliverAll(owner, "k", 21);
    expect(first).toHaveLength(21);
    // More than a second later: a refill that starts past rows read a while ago would skip
    // what follows unless it also looks behind them.
    await pause(1500);

    // A redelivery by the process that does not deliver the endpoint: the row keeps its seq.
    const again = first[3] as string;
    expect(writer.redeliver(again, Date.now())).toBe(true);
    expect(await deliverAll(owner, "k", 1)).toEqual([again]);

    // A row that commits behind rows already read (another process's insert that was in
    // flight): given the lowest seq of the table, and announced as new rows are.
    const { rows } = await query(
      `INSERT INTO "${schema}".deliveries (id, seq, endpoint_id, event, body, status, created_at)
       OVERRIDING SYSTEM VALUE SELECT gen_random_uuid(), min(seq), 'k', 'APPROVED', convert_to('{}', 'UTF8'), 'pending', 1
       FROM "${schema}".deliveries RETURNING id::text`,
    );
    await query(`SELECT pg_notify($1, 'i:k')`, [`attesta_${schema}`]);
    expect(await deliverAll(owner, "k", 1)).toEqual([(rows[0] as { id: string }).id]);
    const { rows: left } = await query(
      `SELECT count(*)::int AS n FROM "${schema}".deliveries WHERE status = 'pending'`,
    );
    expect(left[0]).toEqual({ n: 0 });
  });
});
