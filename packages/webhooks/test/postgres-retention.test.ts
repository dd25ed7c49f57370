import { afterAll, afterEach, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/postgres/postgres-store";
import { DATABASE_URL, dropSchemas, freshSchema, query } from "./postgres/database";
import { attempt, event, testContext } from "./support/store-contract";

const stores: PostgresStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});
afterAll(dropSchemas);

async function count(sql: string): Promise<number> {
  const { rows } = await query(sql);
  return (rows[0] as { n: number }).n;
}

describe("PostgresStore: retention", () => {
  it("prunes settled deliveries and their attempts past retention.delivered and retention.dead, never pending ones", async () => {
    const schema = freshSchema();
    const DAY = 24 * 60 * 60 * 1000;
    const store = new PostgresStore({
      connection: DATABASE_URL,
      schema,
      retention: { delivered: DAY, dead: 3 * DAY },
      pruneIntervalMs: 50,
      pruneBatchSize: 2,
    });
    stores.push(store);
    const context = testContext();
    store.open(context);
    for (let n = 0; n < 9; n++) store.enqueue("a", event(n));
    await store.persisted();
    const leased = store.lease("a", context.clock, 6);
    leased.slice(0, 4).forEach((d) => {
      store.recordAttempt(d.id, attempt(1), { status: "delivered" });
    });
    leased.slice(4).forEach((d) => {
      store.recordAttempt(d.id, attempt(1, { status: 400 }), {
        status: "dead",
        reason: "rejected",
      });
    });
    await store.persisted();
    const rows = (status: string) =>
      count(`SELECT count(*)::int AS n FROM "${schema}".deliveries WHERE status = '${status}'`);
    const attempts = () => count(`SELECT count(*)::int AS n FROM "${schema}".attempts`);
    expect(await attempts()).toBe(6);

    // Two days on: the delivered rows (more than one batch of them) are gone with their
    // attempts; the dead ones are kept for three days.
    context.clock += 2 * DAY;
    await waitFor(async () => (await rows("delivered")) === 0);
    expect(await rows("dead")).toBe(2);
    expect(await attempts()).toBe(2);

    context.clock += 2 * DAY;
    await waitFor(async () => (await rows("dead")) === 0);
    expect(await attempts()).toBe(0);
    expect(await rows("pending")).toBe(3);
  }, 60_000);

  it("refuses unknown retention keys and negative durations", () => {
    expect(
      () => new PostgresStore({ connection: DATABASE_URL, retention: { deliverd: 1 } as never }),
    ).toThrow(/deliverd.*Did you mean "delivered"/s);
    expect(() => new PostgresStore({ connection: DATABASE_URL, retention: { dead: -1 } })).toThrow(
      /retention\.dead/,
    );
    expect(() => new PostgresStore({ connection: DATABASE_URL, maxUncommitted: 0 })).toThrow(
      /maxUncommitted/,
    );
  });
});

/** Polls an async condition every 50 ms; fails after 20 s. */
async function waitFor(done: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error("condition not met within 20000 ms");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
