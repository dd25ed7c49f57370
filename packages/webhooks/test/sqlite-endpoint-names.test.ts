/**
 * `delivery_endpoints`: the endpoint ids a file's deliveries name, kept by the
 * store so the console lists a file's endpoints without scanning its rows.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../src/sqlite/index";
import { migrate } from "../src/sqlite/migrations";
import { openRaw } from "./sqlite/raw-database";
import { tempDbPath } from "./sqlite/temp-file";
import { event, testContext } from "./support/store-contract";

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store.close();
});

function named(path: string): string[] {
  const db = openRaw(path, { readonly: true });
  try {
    return db
      .prepare("SELECT endpoint_id FROM delivery_endpoints ORDER BY 1")
      .pluck()
      .all() as string[];
  } finally {
    db.close();
  }
}

/** A file at `version` holding one delivered row per endpoint id, written by hand. */
function fileAt(version: number, endpointIds: readonly string[]): string {
  const path = tempDbPath();
  const db = openRaw(path);
  db.pragma("journal_mode = WAL");
  migrate(db, version);
  const insert = db.prepare(
    `INSERT INTO deliveries (seq, endpoint_id, event, body, status, attempts, created_at, settled_at)
     VALUES (?, ?, 'APPROVED', x'7b7d', 'delivered', 1, 1000, 1010)`,
  );
  for (const [index, id] of endpointIds.entries()) insert.run(index + 1, id);
  db.close();
  return path;
}

describe("SqliteStore delivery_endpoints", () => {
  it("names each endpoint when its first row is committed, once per process", () => {
    const path = tempDbPath();
    const store = new SqliteStore({ path });
    stores.push(store);
    store.open(testContext());
    for (let i = 0; i < 5; i++) store.enqueue(i % 2 ? "billing" : "audit", event(i));
    store.commit();
    expect(named(path)).toEqual(["audit", "billing"]);
    store.enqueue("crm", event(9));
    store.enqueue("audit", event(10));
    store.commit();
    expect(named(path)).toEqual(["audit", "billing", "crm"]);
  });

  it("fills the table from the rows of a file upgraded from schema 6", async () => {
    const path = fileAt(6, ["b", "a", "b"]);
    const store = new SqliteStore({ path });
    stores.push(store);
    store.open(testContext());
    expect(named(path)).toEqual(["a", "b"]);
    const admin = SqliteStore.inspect(path).admin();
    expect((await admin.endpoints()).map((e) => [e.id, e.pending, e.state])).toEqual([
      ["a", 0, "unknown"],
      ["b", 0, "unknown"],
    ]);
    await admin.close();
  });
});
