// Dispatcher-level cases for SqliteStore against the memory store, each run
// in its own process by sqlite-store.mjs:
//   emit <memory|sqlite>: CPU ns per bus.emit with one hanging endpoint whose
//     queue is full, so every emit also evicts (the worst case); commits run
//     between rounds, off the emitter's stack, as they do in production.
//   throughput <memory|sqlite> <url> <connections> <seconds>: deliveries/s to
//     a keep-alive receiver.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";
import { SqliteStore } from "@attesta/webhooks/sqlite";
import { approvedData, median, report, startHangingServer } from "./shared.mjs";

const [mode, storeKind, url, connections, seconds] = process.argv.slice(2);
const dir = mkdtempSync(join(tmpdir(), "attesta-sqlite-bench-"));
const store = () =>
  storeKind === "sqlite" ? { store: new SqliteStore({ path: join(dir, "bench.db") }) } : {};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  if (mode === "emit") await emitCost();
  else if (mode === "throughput") await throughput();
  else throw new Error(`unknown mode ${mode}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function emitCost() {
  const ROUNDS = 7;
  const PER_ROUND = 200_000;
  const server = await startHangingServer();
  const bus = new EventBus();
  const dispatcher = new WebhookDispatcher(
    bus,
    [{ url: server.url, timeoutMs: 600_000, maxQueueSize: 10_000 }],
    { logger: null, ...store() },
  );
  const data = approvedData(0);
  const emitMany = (count) => {
    for (let i = 0; i < count; i++) bus.emit({ type: "approved", data });
  };
  // Warm up and fill the queue, so every measured emit also evicts.
  for (let i = 0; i < 10; i++) {
    emitMany(10_000);
    await dispatcher.persisted();
  }
  await sleep(200);
  const nsPerEmit = [];
  for (let round = 0; round < ROUNDS; round++) {
    // CPU time of this process, not wall time: other processes on a loaded
    // machine then only add noise, not their own work.
    const started = process.cpuUsage();
    emitMany(PER_ROUND);
    const used = process.cpuUsage(started);
    nsPerEmit.push(((used.user + used.system) * 1000) / PER_ROUND);
    await dispatcher.persisted();
  }
  await dispatcher.close({ deadlineMs: 0 });
  server.close();
  report({ nsPerEmit: median(nsPerEmit), rounds: nsPerEmit });
}

async function throughput() {
  const bus = new EventBus();
  const dispatcher = new WebhookDispatcher(
    bus,
    [{ url, concurrency: Number(connections), secret: "whsec_bench" }],
    { logger: null, ...store() },
  );
  let n = 0;
  const feed = () => {
    const { queued } = dispatcher.stats();
    for (let i = queued; i < 2000; i++) bus.emit({ type: "approved", data: approvedData(n++) });
  };
  feed();
  const feeder = setInterval(feed, 1);
  await sleep(2000);
  const start = { at: performance.now(), delivered: dispatcher.stats().delivered };
  await sleep(Number(seconds) * 1000);
  const end = { at: performance.now(), delivered: dispatcher.stats().delivered };
  clearInterval(feeder);
  const { failed } = dispatcher.stats();
  await dispatcher.close({ deadlineMs: 2000 });
  report({
    deliveriesPerSecond: ((end.delivered - start.delivered) * 1000) / (end.at - start.at),
    failed,
  });
}
