// SqliteStore with a backlog of 1,000,000 pending deliveries (the disk is the
// queue): RSS growth while they pile up with the receiver down, the first
// delivery after a new process opens that file, and deliveries/s draining it
// against a memory store draining a backlog of its own (alternating rounds,
// median ratio). Each case runs in its own process (sqlite-backlog-case.mjs);
// the receiver is another process, so sender and receiver share the 2 cores.
// Usage: node bench/sqlite-backlog.mjs [--rounds=3] [--seconds=5] [--backlog=100000]
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { runCase, startReceiver } from "./processes.mjs";
import { median } from "./shared.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => arg.replace(/^--/, "").split("=")),
);
const ROUNDS = Number(args.rounds ?? 3);
const SECONDS = Number(args.seconds ?? 5);
const BACKLOG = Number(args.backlog ?? 100_000);
const verdict = (ok) => (ok ? "ok" : "MISSED");
const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(", ");

const dir = mkdtempSync(join(tmpdir(), "attesta-backlog-bench-"));
const path = join(dir, "backlog.db");
const result = { loadBefore: loadavg() };
try {
  console.log(
    `@attesta/webhooks SqliteStore backlog bench (node ${process.version}, load average ${load()})\n`,
  );
  const fill = await runCase("sqlite-backlog-case.mjs", ["fill", path], ["--expose-gc"]);
  console.log("8. RSS growth with 1,000,000 pending in a SqliteStore (receiver down), after GC");
  console.log(
    `   growth:               ${fill.rssIncreaseMiB.toFixed(1)} MiB (V8 heap used ${fill.heapUsedMiB.toFixed(1)} MiB of ${fill.heapTotalMiB.toFixed(1)} MiB committed), ${fill.pending} pending, ${fill.dropped} dropped`,
  );
  console.log(
    `   file:                 ${fill.fileMiB.toFixed(1)} MiB (with its WAL); filled at ${fill.persistedPerSecond.toFixed(0)} events/s wall, persisted() after every 10,000`,
  );
  const g = fill.growth;
  const mib = (v) => (v === undefined ? "n/a" : v.toFixed(1));
  console.log(
    `   where:                V8 heap committed ${mib(g.v8CommittedMiB)} (used ${mib(g.v8UsedMiB)}), external ${mib(g.externalMiB)}, C heap ${mib(g.cHeapMiB)} (SQLite page cache up to 8 MiB), other anonymous ${mib(g.otherAnonymousMiB)} (V8 pages among it) MiB`,
  );
  console.log(`   goal <= 64 MiB:       ${verdict(fill.rssIncreaseMiB <= 64)}\n`);
  result.fill = fill;

  const receiver = await startReceiver();
  const memory = [];
  const sqlite = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const secs = String(SECONDS);
      memory.push(
        await runCase(
          "sqlite-backlog-case.mjs",
          ["memory", receiver.url, secs, String(BACKLOG)],
          ["--expose-gc"],
        ),
      );
      sqlite.push(
        await runCase(
          "sqlite-backlog-case.mjs",
          ["open", path, receiver.url, secs],
          ["--expose-gc"],
        ),
      );
    }
  } finally {
    receiver.stop();
  }
  const first = sqlite.map((r) => r.firstDeliveryMs);
  const ratio = median(sqlite.map((r, i) => r.deliveriesPerSecond / memory[i].deliveriesPerSecond));
  const list = (values, digits = 0) => values.map((v) => v.toFixed(digits)).join(", ");
  console.log("9. first delivery after a new process opens the file with ~1,000,000 pending");
  console.log(
    `   first delivery:       ${median(first).toFixed(0)} ms median wall (rounds ${list(first)}; CPU time of this process until then ${list(sqlite.map((r) => r.firstDeliveryCpuMs))} ms; dispatcher and store constructed in ${list(sqlite.map((r) => r.openedMs))} ms wall, ${list(sqlite.map((r) => r.openedCpuMs))} ms CPU)`,
  );
  console.log(
    `   RSS while draining:   ${list(
      sqlite.map((r) => r.rssMiB),
      1,
    )} MiB (memory store with ${BACKLOG} queued: ${list(
      memory.map((r) => r.rssMiB),
      1,
    )} MiB)`,
  );
  console.log(`   goal <= 1000 ms:      ${verdict(Math.max(...first) <= 1000)}\n`);
  console.log(
    `10. deliveries/s draining that backlog vs a memory store draining ${BACKLOG} queued, ${SECONDS}s windows, ${ROUNDS} alternating rounds`,
  );
  console.log(
    `   memory store:         ${list(memory.map((r) => r.deliveriesPerSecond))} deliveries/s`,
  );
  console.log(
    `   SqliteStore:          ${list(sqlite.map((r) => r.deliveriesPerSecond))} deliveries/s (pending after each round: ${list(sqlite.map((r) => r.pending))})`,
  );
  console.log(
    `   ratio:                ${ratio.toFixed(2)} (median of per-round ratios; goal >= 0.7: ${verdict(ratio >= 0.7)})`,
  );
  console.log(
    `   cores:                2, shared by the sender process and the receiver process (and whatever else runs); load average now ${load()}\n`,
  );
  Object.assign(result, { memory, sqlite, ratio, loadAfter: loadavg() });
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
