import pg from "pg";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { PostgresStoreError } from "../src/errors";
import { PostgresStore } from "../src/postgres/postgres-store";
import { DATABASE_URL, dropSchemas, freshSchema, query } from "./postgres/database";
import { event, testContext } from "./support/store-contract";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(dropSchemas);

/**
 * A store with one committed delivery, and another session that then locks
 * its deliveries table (ROLLBACK on the returned client releases it).
 */
async function storeBehindLock(options: { statementTimeoutMs?: number; syncTimeoutMs?: number }) {
  const schema = freshSchema();
  const store = new PostgresStore({ connection: DATABASE_URL, schema, ...options });
  const context = testContext();
  store.open(context);
  cleanups.push(() => store.close());
  store.enqueue("a", event(0));
  await store.persisted();
  const locker = new pg.Client({ connectionString: DATABASE_URL });
  await locker.connect();
  cleanups.push(() => locker.end().catch(() => {}));
  await locker.query("BEGIN");
  await locker.query(`LOCK TABLE "${schema}".deliveries IN ACCESS EXCLUSIVE MODE`);
  return { schema, store, context, locker };
}

describe("PostgresStore faults: reported, not hung", () => {
  it("a statement timeout fails the commit with its cause; the events are written once the lock is gone", async () => {
    // Another session holds the table: every commit waits past its statement timeout.
    const { schema, store, context, locker } = await storeBehindLock({ statementTimeoutMs: 300 });
    store.enqueue("a", event(1));
    const started = Date.now();
    const failure = await store.persisted().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String(failure)).toMatch(/statement timeout/);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(context.commitErrors).toHaveLength(1);
    expect(String(context.commitErrors[0]?.error)).toMatch(/statement timeout/);
    await locker.query("ROLLBACK");
    // Retried by itself: the next persisted() resolves once the event is written.
    for (let round = 0; round < 100; round++) {
      const ok = await store.persisted().then(
        () => true,
        () => false,
      );
      if (ok) break;
    }
    const { rows } = await query(`SELECT count(*)::int AS n FROM "${schema}".deliveries`);
    expect(rows[0]).toEqual({ n: 2 });
  });

  it("no connection to be had (the role's connection limit is used up): open fails at once with a clear error", async () => {
    const role = `attesta_limited_${process.pid}`;
    await query(`DROP ROLE IF EXISTS ${role}`);
    await query(`CREATE ROLE ${role} LOGIN CONNECTION LIMIT 1`);
    cleanups.push(() => query(`DROP ROLE IF EXISTS ${role}`));
    const url = new URL(DATABASE_URL);
    url.username = role;
    // The app's own pool took the only connection the role may have.
    const pool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    cleanups.push(() => pool.end());
    const held = await pool.connect();
    cleanups.push(async () => held.release());
    const store = new PostgresStore({ connection: pool, schema: freshSchema() });
    const started = Date.now();
    let failure: unknown;
    try {
      store.open(testContext());
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(PostgresStoreError);
    expect((failure as PostgresStoreError).code).toBe("unreachable");
    expect((failure as Error).message).toMatch(/too many connections/);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it("a synchronous read waits no longer than syncTimeoutMs", async () => {
    const { store, locker } = await storeBehindLock({ syncTimeoutMs: 500 });
    const started = Date.now();
    expect(() => store.list()).toThrow(/no answer within 500 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
    await locker.query("ROLLBACK");
  });
});
