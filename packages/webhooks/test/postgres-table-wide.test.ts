import { afterAll, afterEach, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/postgres/postgres-store";
import { DATABASE_URL, dropSchemas, freshSchema, query } from "./postgres/database";
import { event, testContext } from "./support/store-contract";

const stores: PostgresStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0).reverse()) await store.close();
});
afterAll(dropSchemas);

/** A store whose windows hold 5 deliveries: the rest of a backlog waits in the table only. */
function openStore(schema: string) {
  const store = new PostgresStore({ connection: DATABASE_URL, schema });
  const context = testContext();
  context.maxPending = 5;
  store.open(context);
  stores.push(store);
  return { store, context };
}

async function pendingRows(schema: string): Promise<number[]> {
  const { rows } = await query(
    `SELECT (convert_from(body, 'UTF8')::json -> 'data' -> 'metadata' ->> 'n')::int AS n
     FROM "${schema}".deliveries WHERE status = 'pending' ORDER BY n`,
  );
  return rows.map((row) => (row as { n: number }).n);
}

const numbers = (deliveries: readonly { body: Uint8Array }[]) =>
  deliveries
    .map(
      (d) =>
        (JSON.parse(Buffer.from(d.body).toString("utf8")) as { data: { metadata: { n: number } } })
          .data.metadata.n,
    )
    .sort((a, b) => a - b);

describe("PostgresStore: abandon and expire act on every row of the table", () => {
  it("abandon settles the whole backlog dead, not only the window, and hands every one back", async () => {
    const schema = freshSchema();
    const { store } = openStore(schema);
    for (let n = 0; n < 30; n++) store.enqueue("a", event(n));
    await store.persisted();
    // One leased delivery is left to its attempt.
    const [leased] = store.lease("a", Date.now(), 1);
    const abandoned = store.abandon("a", "removed");
    expect(numbers(abandoned)).toEqual(Array.from({ length: 29 }, (_, i) => i + 1));
    expect(abandoned.map((d) => d.id)).not.toContain(leased?.id);
    expect(await pendingRows(schema)).toEqual([0]);
    const { rows } = await query(
      `SELECT count(*)::int AS n FROM "${schema}".deliveries WHERE dead_reason = 'removed'`,
    );
    expect(rows[0]).toEqual({ n: 29 });
    expect(store.pendingCount("a")).toBe(1);
  });

  it("expire settles every row created before the cut, however far past the window", async () => {
    const schema = freshSchema();
    const { store } = openStore(schema);
    for (let n = 0; n < 40; n++) store.enqueue("b", event(n));
    await store.persisted();
    const expired = store.expire("b", event(25).timestamp);
    expect(numbers(expired)).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(await pendingRows(schema)).toEqual(Array.from({ length: 15 }, (_, i) => i + 25));
    // What is left is leased from the table as the window drains.
    const left: number[] = [];
    for (let round = 0; round < 10 && left.length < 15; round++) {
      const batch = store.lease("b", Date.now(), 100);
      for (const delivery of batch)
        store.recordAttempt(
          delivery.id,
          { attempt: 1, startedAt: Date.now(), durationMs: 1, status: 200 },
          { status: "delivered" },
        );
      left.push(...numbers(batch));
    }
    expect(left.sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 25));
  });

  it("abandon in a process that does not deliver the endpoint settles the rows another one wrote", async () => {
    const schema = freshSchema();
    const owner = openStore(schema);
    for (let n = 0; n < 12; n++) owner.store.enqueue("c", event(n));
    await owner.store.persisted();
    const other = openStore(schema);
    const abandoned = other.store.abandon("c", "removed");
    expect(numbers(abandoned)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(await pendingRows(schema)).toEqual([]);
  });
});
