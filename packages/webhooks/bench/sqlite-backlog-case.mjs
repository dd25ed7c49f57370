// The backlog cases of sqlite-backlog.mjs, each run in its own process:
//   fill <path>: RSS growth of a dispatcher on SqliteStore while 1,000,000
//     events are emitted to a receiver that is down (it accepts and never
//     answers), in bursts of 10,000 with persisted() between them; readings
//     after a full GC (run with --expose-gc). Exits without close(), so the
//     file keeps every delivery pending for the next cases.
//   open <path> <url> <seconds>: opens that file with a new dispatcher and a
//     receiver that is up: ms until the first delivery, then deliveries/s
//     over a window. Exits without close(), leaving the rest pending.
//   memory <url> <seconds> <backlog>: the same drain from a memory store
//     holding a backlog of <backlog> events.
import { existsSync, readFileSync, statSync } from "node:fs";
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";
import { SqliteStore } from "@attesta/webhooks/sqlite";
import { approvedData, report, startHangingServer } from "./shared.mjs";

const [mode, ...rest] = process.argv.slice(2);
const gc = globalThis.gc ?? (() => {});
const tick = () => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fileBytes = (path) =>
  statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);

if (mode === "fill") await fill(rest[0]);
else if (mode === "open") await drain("sqlite", rest[1], Number(rest[2]), rest[0]);
else if (mode === "memory")
  await drain("memory", rest[0], Number(rest[1]), undefined, Number(rest[2]));
else throw new Error(`unknown mode ${mode}`);
// Deliberately no close(): the file keeps what is owed, as after a crash.
process.exit(0);

async function fill(path) {
  const TOTAL = 1_000_000;
  const BURST = 10_000;
  const server = await startHangingServer();
  const bus = new EventBus();
  const dispatcher = new WebhookDispatcher(
    bus,
    [{ id: "backlog", url: server.url, timeoutMs: 600_000 }],
    {
      logger: null,
      store: new SqliteStore({ path }),
    },
  );
  // Let the workers connect and hang first, so pools and sockets are in the baseline.
  for (let n = 0; n < 100; n++) bus.emit({ type: "approved", data: approvedData(n) });
  await dispatcher.persisted();
  await sleep(300);
  gc();
  const before = { ...process.memoryUsage(), ...residentByKind() };
  const started = performance.now();
  for (let sent = 100; sent < TOTAL; sent += BURST) {
    const end = Math.min(sent + BURST, TOTAL);
    for (let n = sent; n < end; n++) bus.emit({ type: "approved", data: approvedData(n) });
    await dispatcher.persisted();
    await tick();
  }
  const seconds = (performance.now() - started) / 1000;
  gc();
  await tick();
  gc();
  const after = { ...process.memoryUsage(), ...residentByKind() };
  const stats = dispatcher.stats();
  const growth = (key) => (after[key] - before[key]) / 2 ** 20;
  report({
    rssIncreaseMiB: growth("rss"),
    // Where the growth is: the V8 heap (committed, of it used), buffers outside
    // it, and (Linux) the C heap (malloc's main arena: SQLite's page cache and
    // statements) and other anonymous memory (V8's pages, other malloc arenas).
    growth: {
      v8CommittedMiB: growth("heapTotal"),
      v8UsedMiB: growth("heapUsed"),
      externalMiB: growth("external"),
      cHeapMiB: after.cHeap === undefined ? undefined : growth("cHeap"),
      otherAnonymousMiB: after.anonymous === undefined ? undefined : growth("anonymous"),
    },
    heapUsedMiB: process.memoryUsage().heapUsed / 2 ** 20,
    heapTotalMiB: process.memoryUsage().heapTotal / 2 ** 20,
    pending: stats.queued + stats.inFlight,
    dropped: stats.dropped,
    fileMiB: fileBytes(path) / 2 ** 20,
    persistedPerSecond: (TOTAL - 100) / seconds,
  });
}

/** Resident bytes of the C heap ([heap]) and of other anonymous mappings, from /proc (Linux only). */
function residentByKind() {
  if (!existsSync("/proc/self/smaps")) return {};
  const sums = { cHeap: 0, anonymous: 0 };
  let kind;
  for (const line of readFileSync("/proc/self/smaps", "utf8").split("\n")) {
    if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) {
      const name = line.split(/\s+/)[5] ?? "";
      kind = name === "[heap]" ? "cHeap" : name === "" ? "anonymous" : undefined;
    } else if (kind !== undefined && line.startsWith("Rss:")) {
      sums[kind] += Number(line.split(/\s+/)[1]) * 1024;
    }
  }
  return sums;
}

async function drain(kind, url, seconds, path, backlog = 0) {
  const bus = new EventBus();
  let firstAt;
  let firstCpu;
  let delivered1;
  const firstDelivery = new Promise((resolve) => {
    delivered1 = resolve;
  });
  let delivered = 0;
  const cpu = process.cpuUsage();
  const cpuMs = () => {
    const used = process.cpuUsage(cpu);
    return (used.user + used.system) / 1000;
  };
  const started = performance.now();
  const dispatcher = new WebhookDispatcher(
    bus,
    [{ id: "backlog", url, secret: "whsec_bench", maxQueueSize: Math.max(10_000, backlog) }],
    {
      logger: null,
      ...(path === undefined ? {} : { store: new SqliteStore({ path }) }),
      onAttempt: (attempt) => {
        if (attempt.status !== 204) return;
        delivered++;
        if (firstAt !== undefined) return;
        firstAt = performance.now();
        firstCpu = cpuMs();
        delivered1();
      },
    },
  );
  const openedMs = performance.now() - started;
  const openedCpuMs = cpuMs();
  for (let n = 0; n < backlog; n++) bus.emit({ type: "approved", data: approvedData(n) });
  await Promise.race([firstDelivery, sleep(10_000)]);
  if (firstAt === undefined) throw new Error(`${kind}: no delivery within 10 s`);
  const firstDeliveryMs = firstAt - started;
  // Past the first second, so both stores are measured in their steady state.
  await sleep(1000);
  const from = { at: performance.now(), delivered };
  await sleep(seconds * 1000);
  const rate = (delivered - from.delivered) / ((performance.now() - from.at) / 1000);
  gc();
  report({
    kind,
    openedMs,
    openedCpuMs,
    firstDeliveryMs,
    firstDeliveryCpuMs: firstCpu,
    deliveriesPerSecond: rate,
    rssMiB: process.memoryUsage().rss / 2 ** 20,
    pending: kind === "sqlite" ? dispatcher.stats().queued : undefined,
  });
}
