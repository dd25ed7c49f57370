import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../src/sqlite/index";
import { migrate, SCHEMA_VERSION } from "../src/sqlite/migrations";
import { openRaw } from "./sqlite/raw-database";
import { tempDbPath } from "./sqlite/temp-file";
import { attempt, event, testContext } from "./support/store-contract";

const UUID_V8 = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function openAt(path: string, context = testContext(), retainDeliveredMs?: number): SqliteStore {
  const store = new SqliteStore(
    retainDeliveredMs === undefined
      ? { path }
      : { path, retention: { delivered: retainDeliveredMs } },
  );
  store.open(context);
  stores.push(store);
  return store;
}

async function reopen(store: SqliteStore, context = testContext()): Promise<SqliteStore> {
  await store.close();
  stores.splice(stores.indexOf(store), 1);
  return openAt(store.path, context);
}

/** Enqueues `n` events on endpoint "a" and returns their ids, as leased. */
function enqueueAndLease(store: SqliteStore, n: number, now: number): string[] {
  for (let i = 0; i < n; i++) store.enqueue("a", event(i));
  return store.lease("a", now, n).map((d) => d.id);
}

describe("SqliteStore delivery ids", () => {
  it("are distinct UUIDs that give no sequence away, found again after a restart", async () => {
    const context = testContext();
    const store = openAt(tempDbPath(), context);
    const ids = enqueueAndLease(store, 200, context.clock);
    expect(new Set(ids).size).toBe(200);
    for (const id of ids) expect(id).toMatch(UUID_V8);
    // Consecutive deliveries do not get consecutive ids.
    const tails = ids.map((id) => Number.parseInt(id.slice(24), 16));
    expect(
      tails.filter((tail, i) => i > 0 && Math.abs(tail - (tails[i - 1] ?? 0)) < 1000).length,
    ).toBeLessThan(5);
    await store.persisted();

    const again = await reopen(store);
    const resumed = again.lease("a", context.clock, 200).map((d) => d.id);
    expect(resumed).toEqual(ids);
    expect(again.get(ids[7] as string)?.status).toBe("pending");
    expect(again.list({ limit: 200 }).map((d) => d.id)).toEqual(ids);
  });

  it("never gives an id out twice, even once every earlier row was pruned", async () => {
    const context = testContext();
    let store = openAt(tempDbPath(), context, 0);
    const first = enqueueAndLease(store, 5, context.clock);
    for (const id of first) store.recordAttempt(id, attempt(1), { status: "delivered" });
    context.clock += 10;
    expect(store.prune()).toBe(5);
    store = await reopen(store, context);
    const second = enqueueAndLease(store, 5, context.clock);
    expect(second.filter((id) => first.includes(id))).toEqual([]);
    expect(store.get(first[0] as string)).toBeUndefined();
  });

  it("does not resolve an id of another file or a malformed one", async () => {
    const context = testContext();
    const one = openAt(tempDbPath(), context);
    const other = openAt(tempDbPath(), context);
    const [id] = enqueueAndLease(one, 1, context.clock);
    enqueueAndLease(other, 1, context.clock);
    expect(one.get(id as string)?.status).toBe("pending");
    expect(other.get(id as string)).toBeUndefined();
    expect(one.get(`${(id as string).slice(0, 24)}zzzzzzzzzzzz`)).toBeUndefined();
    expect(one.get("")).toBeUndefined();
  });
});

describe("SqliteStore upgrade from schema 3", () => {
  const OLD_PENDING = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";
  const OLD_DEAD = "0190a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c";

  /** A file as schema 3 wrote it: two deliveries with their own UUIDs, one attempt. */
  function schema3File(): string {
    const path = tempDbPath();
    const db = openRaw(path);
    db.pragma("journal_mode = WAL");
    migrate(db, 3);
    const insert = db.prepare(
      `INSERT INTO deliveries (seq, id, endpoint_id, event, body, status, attempts, created_at,
         next_attempt_at, settled_at, dead_reason, series_start)
       VALUES (?, ?, 'a', 'APPROVED', ?, ?, ?, 1000, ?, ?, ?, 0)`,
    );
    insert.run(41, OLD_PENDING, Buffer.from('{"n":1}'), "pending", 1, 5000, null, null);
    insert.run(42, OLD_DEAD, Buffer.from('{"n":2}'), "dead", 3, null, 3000, "exhausted");
    db.prepare("INSERT INTO attempts VALUES (42, 3, 2500, 20, 500, 'status', NULL, 'no')").run();
    db.close();
    return path;
  }

  it("keeps every delivery under its id, with its attempts, and numbers new ones after them", async () => {
    const path = schema3File();
    const context = testContext();
    const store = openAt(path, context);
    const version = openRaw(path, { readonly: true });
    expect(version.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    version.close();
    expect(store.get(OLD_PENDING)).toMatchObject({
      status: "pending",
      attempts: 1,
      nextAttemptAt: 5000,
    });
    expect(store.get(OLD_DEAD)).toMatchObject({
      status: "dead",
      deadReason: "exhausted",
      attemptLog: [{ attempt: 3, status: 500, errorKind: "status", responseBody: "no" }],
    });
    context.clock = 5000;
    const leased = store.lease("a", context.clock, 10);
    expect(leased.map((d) => d.id)).toEqual([OLD_PENDING]);
    store.recordAttempt(OLD_PENDING, attempt(2), { status: "delivered" });
    const [fresh] = enqueueAndLease(store, 1, context.clock + 1);
    expect(store.redeliver(OLD_DEAD, context.clock)).toBe(true);
    expect(fresh).toMatch(UUID_V8);
    await store.persisted();

    const again = await reopen(store, context);
    expect(again.get(OLD_PENDING)?.status).toBe("delivered");
    expect(again.get(OLD_DEAD)?.status).toBe("pending");
    expect(again.get(fresh as string)?.status).toBe("pending");
    const inspector = SqliteStore.inspect(path);
    expect(inspector.get(OLD_DEAD)?.id).toBe(OLD_DEAD);
    expect(inspector.requestRedelivery(OLD_PENDING)).toBe(true);
    inspector.close();
  });
});
