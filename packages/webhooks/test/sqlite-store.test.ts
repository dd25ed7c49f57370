import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs";
import { until } from "@attesta/test-support";
import { afterEach, describe, expect, it } from "vitest";
import {
  SqliteStore,
  SqliteStoreError,
  SqliteStoreLockedError,
  type SqliteStoreOptions,
} from "../src/sqlite/index";
import { migrate, SCHEMA_VERSION } from "../src/sqlite/migrations";
import type { DeliveryStore } from "../src/store/delivery-store";
import { openRaw, type SqliteDatabase } from "./sqlite/raw-database";
import { tempDbPath } from "./sqlite/temp-file";
import { attempt, describeStoreContract, event, testContext } from "./support/store-contract";

describeStoreContract("SqliteStore", {
  create: () => new SqliteStore({ path: tempDbPath() }),
  reopen: (closed) => new SqliteStore({ path: (closed as SqliteStore).path }),
});

const stores: DeliveryStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function openStore(options: Partial<SqliteStoreOptions> = {}, context = testContext()) {
  const store = new SqliteStore({ path: tempDbPath(), ...options });
  store.open(context);
  stores.push(store);
  return { store, context };
}

/** A second connection, as another process would see the file. */
function peek<T>(path: string, read: (db: SqliteDatabase) => T): T {
  const db = openRaw(path, { readonly: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

const rowCount = (path: string) =>
  peek(path, (db) => db.prepare("SELECT count(*) FROM deliveries").pluck().get() as number);

describe("SqliteStore writes", () => {
  it("uses WAL and commits a burst of enqueues on a later tick, not inside enqueue", async () => {
    const { store } = openStore();
    expect(peek(store.path, (db) => db.pragma("journal_mode", { simple: true }))).toBe("wal");
    for (let n = 0; n < 500; n++) store.enqueue("a", event(n));
    expect(rowCount(store.path)).toBe(0);
    await store.persisted();
    expect(rowCount(store.path)).toBe(500);
  });

  it("commits inside enqueue with commit: 'enqueue'", () => {
    const { store } = openStore({ commit: "enqueue" });
    store.enqueue("a", event(1));
    expect(rowCount(store.path)).toBe(1);
  });

  it("validates options when constructed", () => {
    expect(() => new SqliteStore({ path: "" })).toThrow(/path must be a file path/);
    expect(() => new SqliteStore({ path: "x.db", commit: "never" as "tick" })).toThrow(
      /commit must be "tick" or "enqueue"/,
    );
    expect(() => new SqliteStore({ path: "x.db", retention: { dead: -1 } })).toThrow(
      /retention.dead must be an integer/,
    );
    expect(() => new SqliteStore({ path: "x.db", retension: {} } as never)).toThrow(
      /new SqliteStore\(options\)\.retension is not a known option\. Did you mean "retention"\?/,
    );
    expect(() => new SqliteStore({ path: "x.db", retention: { delivred: 1 } } as never)).toThrow(
      /retention\.delivred is not a known option\. Did you mean "delivered"\?/,
    );
  });
});

describe("SqliteStore records", () => {
  it("keeps at most 4 KiB of a response body, cut on a character boundary", () => {
    const { store, context } = openStore();
    store.enqueue("a", event(1));
    const [d] = store.lease("a", context.clock, 1);
    store.recordAttempt(d?.id ?? "", attempt(1, { responseBody: `x${"é".repeat(5000)}` }), {
      status: "delivered",
    });
    const kept = store.get(d?.id ?? "")?.attemptLog[0]?.responseBody ?? "";
    expect(Buffer.byteLength(kept)).toBe(4095);
    expect(kept).toBe(`x${"é".repeat(2047)}`);
  });
});

describe("SqliteStore retention", () => {
  function settle(store: SqliteStore, now: number, status: "delivered" | "dead", n: number) {
    store.enqueue("a", event(n));
    const [d] = store.lease("a", now, 1);
    const result = status === "delivered" ? { status } : { status, reason: "exhausted" as const };
    store.recordAttempt(d?.id ?? "", attempt(1), result);
    return d?.id ?? "";
  }

  it("prunes delivered and dead deliveries, with their attempts, after their retention", () => {
    const { store, context } = openStore({ retention: { delivered: 1000, dead: 5000 } });
    const delivered = settle(store, context.clock, "delivered", 1);
    const dead = settle(store, context.clock, "dead", 2);
    store.enqueue("a", event(3));
    context.clock += 999;
    expect(store.prune()).toBe(0);
    context.clock += 2;
    expect(store.prune()).toBe(1);
    expect(store.get(delivered)).toBeUndefined();
    expect(store.get(dead)?.status).toBe("dead");
    context.clock += 5000;
    expect(store.prune()).toBe(1);
    expect(store.get(dead)).toBeUndefined();
    expect(store.pendingCount("a")).toBe(1);
    const attempts = peek(store.path, (db) =>
      db.prepare("SELECT count(*) FROM attempts").pluck().get(),
    );
    expect(attempts).toBe(0);
  });

  it("prunes in the background in bounded batches", async () => {
    const { store, context } = openStore({
      retention: { delivered: 0 },
      pruneIntervalMs: 20,
      pruneBatchSize: 7,
    });
    for (let n = 0; n < 50; n++) settle(store, context.clock, "delivered", n);
    await store.persisted();
    expect(rowCount(store.path)).toBe(50);
    context.clock += 1;
    await until(() => rowCount(store.path) === 0, 10_000);
  });
});

describe("SqliteStore files", () => {
  const openAt = (path: string) => {
    const store = new SqliteStore({ path });
    store.open(testContext());
    stores.push(store);
    return store;
  };

  it("refuses random bytes, naming the file and the fix", () => {
    const path = tempDbPath();
    writeFileSync(path, Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)));
    const error = catchError(() => openAt(path));
    expect(error).toBeInstanceOf(SqliteStoreError);
    expect(error).toMatchObject({ code: "not_a_database", path });
    expect(String(error.message)).toContain(path);
    expect(String(error.message)).toContain("Fix:");
  });

  it("refuses a file whose pages 2 and 4 were overwritten, before reading or writing it", async () => {
    const { store } = openStore({ commit: "enqueue" });
    for (let n = 0; n < 300; n++) store.enqueue("a", event(n));
    await store.close();
    stores.splice(0);
    const pageSize = peek(store.path, (db) => db.pragma("page_size", { simple: true }) as number);
    expect(readFileSync(store.path).length).toBeGreaterThan(5 * pageSize);
    const fd = openSync(store.path, "r+");
    for (const page of [2, 4]) {
      const junk = Buffer.from(Array.from({ length: pageSize }, (_, i) => (i * 131 + page) % 256));
      writeSync(fd, junk, 0, pageSize, (page - 1) * pageSize);
    }
    closeSync(fd);
    const damaged = readFileSync(store.path);
    const reopened = new SqliteStore({ path: store.path });
    const error = catchError(() => reopened.open(testContext()));
    expect(error).toBeInstanceOf(SqliteStoreError);
    expect(error).toMatchObject({ code: "corrupt", path: store.path });
    expect(String(error.message)).toMatch(
      /is damaged: SQLite's quick_check reports .+\. It was not used\. Fix: .*restore it from your latest backup/,
    );
    expect(readFileSync(store.path).equals(damaged)).toBe(true);
    expect(() => SqliteStore.inspect(store.path)).toThrow(/is damaged/);
  });

  it("refuses a SQLite database of another application and leaves it untouched", () => {
    const path = tempDbPath();
    const db = openRaw(path);
    db.exec(
      "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ada')",
    );
    db.close();
    const error = catchError(() => openAt(path));
    expect(error).toMatchObject({ code: "foreign_database", path });
    expect(String(error.message)).toMatch(/another application \(tables: users\).*Fix:/);
    expect(peek(path, (d) => d.prepare("SELECT name FROM users").pluck().all())).toEqual(["ada"]);
  });

  it("refuses a file written by a newer schema", () => {
    const path = tempDbPath();
    openAt(path);
    const store = stores.pop() as SqliteStore;
    return store.close().then(() => {
      const db = openRaw(path);
      db.pragma("user_version = 99");
      db.close();
      expect(catchError(() => openAt(path))).toMatchObject({ code: "newer_schema" });
    });
  });

  it("upgrades a version 1 file to the current schema without losing rows", async () => {
    const path = tempDbPath();
    const old = openRaw(path);
    old.pragma("journal_mode = WAL");
    migrate(old, 1);
    expect(old.pragma("user_version", { simple: true })).toBe(1);
    const insert = old.prepare(
      `INSERT INTO deliveries (seq, id, endpoint_id, event, body, status, attempts, created_at, next_attempt_at, settled_at)
       VALUES (?, ?, 'a', 'APPROVED', ?, ?, ?, 1000, ?, ?)`,
    );
    insert.run(
      1,
      "11111111-1111-4111-8111-111111111111",
      Buffer.from("{}"),
      "pending",
      2,
      5000,
      null,
    );
    insert.run(
      2,
      "22222222-2222-4222-8222-222222222222",
      Buffer.from("{}"),
      "delivered",
      1,
      null,
      2000,
    );
    old.prepare("INSERT INTO attempts VALUES (2, 1, 1500, 20, 200, NULL, NULL, 'ok')").run();
    old.close();

    const store = openAt(path);
    expect(peek(path, (db) => db.pragma("user_version", { simple: true }))).toBe(SCHEMA_VERSION);
    expect(store.pendingCount("a")).toBe(1);
    expect(store.nextDueAt("a")).toBe(5000);
    expect(store.get("11111111-1111-4111-8111-111111111111")).toMatchObject({
      attempts: 2,
      status: "pending",
    });
    expect(store.get("22222222-2222-4222-8222-222222222222")?.attemptLog).toEqual([
      { attempt: 1, startedAt: 1500, durationMs: 20, status: 200, responseBody: "ok" },
    ]);
    // The version 2 table works.
    const inspector = SqliteStore.inspect(path);
    expect(inspector.requestRedelivery("22222222-2222-4222-8222-222222222222")).toBe(true);
    inspector.close();
  });
});

describe("SqliteStore ownership in one process", () => {
  it("refuses a second store on the same file while the first is open, then allows it after close", async () => {
    const { store } = openStore();
    const second = new SqliteStore({ path: store.path });
    const error = catchError(() => second.open(testContext()));
    expect(error).toBeInstanceOf(SqliteStoreLockedError);
    expect(error).toMatchObject({ code: "locked", owner: { pid: process.pid } });
    expect(String(error.message)).toContain(store.path);
    await store.close();
    second.open(testContext());
    stores.push(second);
  });

  it("takes over a file whose owner's heartbeat is stale, and the old owner stops", async () => {
    const { store, context } = openStore({ staleLockMs: 1000 });
    store.enqueue("a", event(1));
    await store.persisted();
    const db = openRaw(store.path);
    db.prepare("UPDATE owner SET host = 'elsewhere', heartbeat_at = heartbeat_at - 5000").run();
    db.close();
    const next = new SqliteStore({ path: store.path, staleLockMs: 1000 });
    next.open(testContext());
    stores.push(next);
    expect(next.pendingCount("a")).toBe(1);
    // The old owner finds out at its next commit, reports it and stops handing out work.
    store.enqueue("a", event(2));
    await expect(store.persisted()).rejects.toMatchObject({ code: "lock_lost" });
    expect(context.commitErrors).toHaveLength(1);
    expect(context.commitErrors[0]?.lost).toBe(1);
    expect(store.lease("a", context.clock, 10)).toEqual([]);
  });

  it("refuses a fresh owner on another host", () => {
    const { store } = openStore();
    const db = openRaw(store.path);
    db.prepare("UPDATE owner SET host = 'elsewhere', pid = 1").run();
    db.close();
    const error = catchError(() => new SqliteStore({ path: store.path }).open(testContext()));
    expect(error).toMatchObject({ code: "locked", owner: { host: "elsewhere" } });
  });
});

describe("SqliteStore.inspect", () => {
  it("reads while the owner runs and passes redelivery requests to it", async () => {
    const { store, context } = openStore({ pollIntervalMs: 20 });
    store.enqueue("a", event(1));
    const [d] = store.lease("a", context.clock, 1);
    const id = d?.id ?? "";
    store.recordAttempt(id, attempt(1, { status: 410 }), { status: "dead", reason: "rejected" });
    await store.persisted();

    let woken = 0;
    context.wake = () => woken++;
    const inspector = SqliteStore.inspect(store.path);
    try {
      expect(inspector.counts()).toEqual({ pending: 0, delivered: 0, dead: 1 });
      expect(inspector.list({ status: "dead" }).map((r) => r.id)).toEqual([id]);
      expect(inspector.owner()?.pid).toBe(process.pid);
      expect(inspector.requestRedelivery("no-such-id")).toBe(false);
      expect(inspector.requestRedelivery(id)).toBe(true);
      await until(() => store.pendingCount("a") === 1);
      expect(woken).toBe(1);
      expect(store.lease("a", context.clock, 1)[0]?.id).toBe(id);
      await until(() => inspector.get(id)?.status === "pending");
      expect(inspector.requestRedelivery(id)).toBe(false);
    } finally {
      inspector.close();
    }
  });

  it("refuses a missing file with an error that names it", () => {
    const path = tempDbPath();
    const error = catchError(() => SqliteStore.inspect(path));
    expect(error).toMatchObject({ code: "io", path });
    expect(String(error.message)).toContain(path);
  });
});

function catchError(run: () => unknown): Error & Record<string, unknown> {
  try {
    run();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected an error");
}
