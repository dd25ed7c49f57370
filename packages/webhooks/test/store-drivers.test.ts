import { afterEach, describe, expect, it } from "vitest";
import { loadBetterSqlite3 } from "../src/sqlite/driver/better-sqlite3-driver";
import { loadNodeSqlite } from "../src/sqlite/driver/load-node-sqlite";
import type { SqliteDriverName } from "../src/sqlite/driver/sqlite-driver";
import { SqliteStore, SqliteStoreError } from "../src/sqlite/index";
import { tempDbPath } from "./sqlite/temp-file";
import { attempt, event, testContext } from "./support/store-contract";

const available = {
  "node:sqlite": loadNodeSqlite().database !== undefined,
  "better-sqlite3": loadBetterSqlite3().database !== undefined,
};
const bothLoad = available["node:sqlite"] && available["better-sqlite3"];
const open: SqliteStore[] = [];
afterEach(async () => {
  for (const store of open.splice(0)) await store.close();
});

function openWith(driver: SqliteDriverName, path: string): SqliteStore {
  const store = new SqliteStore({ path, driver });
  store.open(testContext());
  open.push(store);
  return store;
}

describe("SqliteStore driver option", () => {
  it("refuses a driver name it does not know, naming the ones it does", () => {
    expect(() => new SqliteStore({ path: "x.db", driver: "sqlite3" as SqliteDriverName })).toThrow(
      /driver must be "node:sqlite" or "better-sqlite3" \(or left out\); got "sqlite3"/,
    );
    expect(() => SqliteStore.inspect("x.db", { drivr: "node:sqlite" } as never)).toThrow(
      /inspect options must be \{ driver \}; got "drivr"/,
    );
  });

  for (const driver of ["node:sqlite", "better-sqlite3"] as const) {
    it.runIf(!available[driver])(`says why ${driver} cannot be used on this runtime`, () => {
      const store = new SqliteStore({ path: tempDbPath(), driver });
      const error = (() => {
        try {
          store.open(testContext());
        } catch (caught) {
          return caught;
        }
      })();
      expect(error).toBeInstanceOf(SqliteStoreError);
      expect((error as SqliteStoreError).code).toBe("driver_unavailable");
      expect((error as Error).message).toMatch(`the driver "${driver}" does not load`);
      expect((error as Error).message).toMatch(/Fix: run on Node\.js 22\.13\+ or 24/);
    });
  }
});

describe("ATTESTA_SQLITE_DRIVER", () => {
  const saved = process.env.ATTESTA_SQLITE_DRIVER;
  afterEach(() => {
    if (saved === undefined) delete process.env.ATTESTA_SQLITE_DRIVER;
    else process.env.ATTESTA_SQLITE_DRIVER = saved;
  });

  for (const driver of ["node:sqlite", "better-sqlite3"] as const) {
    it.runIf(!available[driver])(
      `names the variable when it picks ${driver}, which does not load`,
      () => {
        process.env.ATTESTA_SQLITE_DRIVER = driver;
        const store = new SqliteStore({ path: tempDbPath() });
        expect(() => store.open(testContext())).toThrow(
          /does not load .*or unset ATTESTA_SQLITE_DRIVER \(it names the driver\)\.$/,
        );
        expect(() => store.open(testContext())).not.toThrow(/driver option/);
      },
    );
  }
});

describe.runIf(bothLoad)("one file format on both drivers", () => {
  const pairs = [
    ["node:sqlite", "better-sqlite3"],
    ["better-sqlite3", "node:sqlite"],
  ] as const;
  for (const [writer, reader] of pairs) {
    it(`a file written with ${writer} opens with ${reader}: pending, attempts, settled`, async () => {
      const path = tempDbPath();
      const first = openWith(writer, path);
      first.enqueue("a", event(1));
      first.enqueue("a", event(2));
      await first.persisted();
      const [leased] = first.lease("a", Date.UTC(2027, 0, 1), 1);
      if (leased === undefined) throw new Error("nothing leased");
      first.recordAttempt(leased.id, attempt(1, { status: 200 }), { status: "delivered" });
      await first.close();
      open.splice(open.indexOf(first), 1);

      const second = openWith(reader, path);
      expect(second.pendingCount("a")).toBe(1);
      const record = second.get(leased.id);
      expect(record?.status).toBe("delivered");
      expect(record?.attemptLog.map((a) => a.status)).toEqual([200]);
      expect(Buffer.from(record?.body ?? []).toString("utf8")).toContain('"APPROVED"');
    });
  }
});
