import { until } from "@attesta/test-support";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { DATABASE_URL, dropSchemas, freshSchema, query } from "./postgres/database";
import {
  neverArrived,
  type StoreProcess,
  startRecordingReceiver,
  startStoreProcess,
} from "./postgres/processes";

const ENDPOINTS = ["e0", "e1", "e2"];
const running: StoreProcess[] = [];

afterEach(() => {
  for (const proc of running.splice(0)) proc.child.kill("SIGKILL");
});
afterAll(dropSchemas);

describe("PostgresStore: several processes on one database", () => {
  it("3 processes, one SIGKILLed mid-run: every acknowledged event delivered, limits held across processes", async () => {
    const receiver = await startRecordingReceiver();
    const schema = freshSchema("attesta_procs");
    const EVENTS = 150;
    const start = (proc: number) =>
      startStoreProcess({
        url: DATABASE_URL,
        schema,
        base: receiver.base,
        proc,
        events: EVENTS,
        leaseMs: 1000,
      });
    // The first one creates the schema and takes every endpoint's lease: killing it
    // makes the others take its endpoints over, with deliveries in flight.
    running.push(start(0));
    await until(() => (running[0]?.lines.length ?? 0) > 0, 20_000, 50);
    running.push(start(1), start(2));
    const victim = running[0] as StoreProcess;
    // Kill it mid-run: it has emitted and acknowledged some, and deliveries are flowing.
    await until(() => victim.acked >= 60 && receiver.received.length > 30, 60_000, 50);
    victim.child.kill("SIGKILL");
    const killedAt = Date.now();
    const ackedByVictim = victim.acked;

    const owed = new Set<string>();
    for (const [proc, last] of [
      [0, ackedByVictim],
      [1, EVENTS - 1],
      [2, EVENTS - 1],
    ] as const)
      for (let n = 0; n <= last; n++) for (const e of ENDPOINTS) owed.add(`${proc}:${n}:${e}`);
    const seen = () => new Set(receiver.received.map((r) => `${r.p}:${r.n}:${r.endpoint}`));
    const missing = () => [...owed].filter((key) => !seen().has(key));
    await until(
      () => missing().length === 0,
      150_000,
      50,
      () => neverArrived(missing()),
    );

    // Duplicates: only what the killed process had in flight or had settled without committing.
    const ids = new Map<string, number>();
    for (const r of receiver.received) ids.set(r.id, (ids.get(r.id) ?? 0) + 1);
    const repeated = [...ids.values()].filter((count) => count > 1).length;
    const recentBeforeKill = receiver.received.filter(
      (r) => r.at >= killedAt - 1000 && r.at <= killedAt,
    ).length;
    expect(repeated).toBeLessThanOrEqual(recentBeforeKill);
    // Concurrency 2 on e0 and e1, ordered (1) on e2: across all three processes together.
    expect(receiver.maxOpen("e0")).toBeLessThanOrEqual(2);
    expect(receiver.maxOpen("e1")).toBeLessThanOrEqual(2);
    expect(receiver.maxOpen("e2")).toBe(1);
    // Ordered: each process's events reach e2 in the order they were emitted (first arrivals).
    for (const proc of [1, 2]) {
      const first = new Map<number, number>();
      receiver.received.forEach((r, i) => {
        if (r.endpoint === "e2" && r.p === proc && !first.has(r.n)) first.set(r.n, i);
      });
      const order = [...first.entries()].sort((a, b) => a[1] - b[1]).map(([n]) => n);
      expect(order).toEqual([...order].sort((a, b) => a - b));
    }
    const [{ pending }] = (
      await query(
        `SELECT count(*)::int AS pending FROM "${schema}".deliveries WHERE status = 'pending'`,
      )
    ).rows as [{ pending: number }];
    console.log(
      `SIGKILL run: ${owed.size} acknowledged deliveries, ${repeated} duplicated (${recentBeforeKill} received in the second before the kill), ${receiver.received.length} requests, pending rows left ${pending}`,
    );
    await receiver.close();
  }, 280_000);
});
