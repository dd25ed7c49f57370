import { until } from "@attesta/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { PostgresStore } from "../src/postgres/postgres-store";
import { query } from "./postgres/database";
import {
  type PrivateCluster,
  serverBinaries,
  startPrivateCluster,
} from "./postgres/private-cluster";
import { event, testContext } from "./support/store-contract";

const bin = serverBinaries();
let cluster: PrivateCluster | undefined;
let store: PostgresStore | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
  cluster?.destroy();
  cluster = undefined;
});

/** persisted() until it resolves (the store retries by itself); false after `ms`. */
async function persistedWithin(target: PostgresStore, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await target.persisted().then(
      () => true,
      () => false,
    );
    if (ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

describe("PostgresStore: the database stopped", () => {
  it.skipIf(bin === undefined)(
    "holds at most maxUncommitted new deliveries while commits fail, refuses the rest, and writes what it held once the server is back (skipped only without initdb/pg_ctl)",
    async () => {
      cluster = await startPrivateCluster(bin as string);
      store = new PostgresStore({ connection: cluster.url, maxUncommitted: 50, leaseMs: 60_000 });
      const context = testContext();
      const failing: number[] = [];
      const recovered: number[] = [];
      context.onStoreFailing = (_error, uncommitted) => failing.push(uncommitted);
      context.onStoreRecovered = (since) => recovered.push(since);
      store.open(context);
      for (let n = 0; n < 10; n++) store.enqueue("a", event(n));
      await store.persisted();

      cluster.stop();
      // The first commit after the stop fails: from then on the bound holds.
      expect(store.enqueue("a", event(10))).toBeUndefined();
      await expect(store.persisted()).rejects.toThrow();
      expect(store.failing).toBe(true);
      expect(failing).toEqual([1]);
      const refused: number[] = [];
      for (let n = 11; n < 111; n++)
        if (store.enqueue("a", event(n)) !== undefined) refused.push(n);
      expect(store.uncommitted).toBe(50);
      expect(refused).toEqual(Array.from({ length: 51 }, (_, i) => i + 60));

      cluster.start();
      expect(await persistedWithin(store, 60_000)).toBe(true);
      await until(() => !(store as PostgresStore).failing, 10_000);
      expect(recovered).toHaveLength(1);
      expect(store.uncommitted).toBe(0);
      const { rows } = await query(
        "SELECT count(*)::int AS n FROM attesta.deliveries",
        [],
        cluster.url,
      );
      // 10 before the stop, the one that found it down, and the 49 held with it.
      expect(rows[0]).toEqual({ n: 60 });
      // Accepted again once commits succeed.
      expect(store.enqueue("a", event(200))).toBeUndefined();
      await store.persisted();
    },
    180_000,
  );
});
