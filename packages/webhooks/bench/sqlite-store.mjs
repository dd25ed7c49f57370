// SqliteStore at the store level, with no HTTP at all (the endpoint is down):
// 1. persisted events/s: enqueue in bursts as the bus would (one burst per
//    tick), each burst group-committed; the clock stops when persisted()
//    says the last event is on disk. Median of several rounds.
// 2. emit cost and deliveries/s of a WebhookDispatcher on SqliteStore
//    against the same dispatcher on the memory store (sqlite-dispatcher.mjs,
//    each run in its own process, alternating rounds).
// 3. file size for 1M delivered events (each with one recorded attempt),
//    kept and after pruning.
// Usage: node bench/sqlite-store.mjs [--events=1000000] [--burst=1000] [--rounds=5]
//        [--seconds=5] [--connections=10] [--only=persisted|emit|deliveries|size] [--bare=no]
// The store runs on its default driver, or on ATTESTA_SQLITE_DRIVER; --bare=no leaves
// out the better-sqlite3 reference loop (sqlite-drivers.mjs, where it may not load).
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toWebhookPayload } from "@attesta/webhooks";
import { SqliteStore } from "@attesta/webhooks/sqlite";
import { runCase, startReceiver } from "./processes.mjs";
import { approvedData, median } from "./shared.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => arg.replace(/^--/, "").split("=")),
);
const EVENTS = Number(args.events ?? 1_000_000);
const BURST = Number(args.burst ?? 1000);
const ROUNDS = Number(args.rounds ?? 5);
const PER_ROUND = 200_000;
const GOAL = 100_000;
const SECONDS = Number(args.seconds ?? 5);
const CONNECTIONS = Number(args.connections ?? 10);
// --only=persisted|emit|deliveries|size runs one figure (all by default).
const runs = (figure) => args.only === undefined || args.only === figure;

/** Runs `measure(kind)` for memory and sqlite in alternating rounds; returns both series and the median ratio sqlite/memory. */
async function alternate(rounds, measure) {
  const memory = [];
  const sqlite = [];
  for (let round = 0; round < rounds; round++) {
    memory.push(await measure("memory"));
    sqlite.push(await measure("sqlite"));
  }
  return { memory, sqlite, ratio: median(sqlite.map((value, i) => value / memory[i])) };
}

const dir = mkdtempSync(join(tmpdir(), "attesta-sqlite-bench-"));
const context = (clock) => ({
  serialize: (event, _endpointId, text) => {
    const json = JSON.stringify(toWebhookPayload(event));
    return text ? json : Buffer.from(json, "utf8");
  },
  render: (event, _endpointId, text) => {
    const json = JSON.stringify(toWebhookPayload(event));
    return text ? json : { body: Buffer.from(json, "utf8") };
  },
  mintId: () => randomUUID(),
  now: () => clock.now,
  limits: () => ({ maxPending: Number.MAX_SAFE_INTEGER, overflow: "drop-newest" }),
  // A body the store could not make would have the bench time the error path: stop instead.
  onUnserializable: (_record, error) => {
    console.error("a body could not be made; the figures would be wrong:", error);
    process.exit(1);
  },
  onCommitError: (error) => {
    throw error;
  },
});
const tick = () => new Promise((resolve) => setImmediate(resolve));
const mib = (bytes) => (bytes / 1024 / 1024).toFixed(1);

async function persistedRate(round) {
  const store = new SqliteStore({ path: join(dir, `rate-${round}.db`) });
  const clock = { now: Date.now() };
  store.open(context(clock));
  const timer = startTimer();
  for (let sent = 0; sent < PER_ROUND; ) {
    for (let i = 0; i < BURST; i++, sent++)
      // Stamped as the bus stamps them: each event with the clock when it is emitted.
      store.enqueue("down", { type: "approved", timestamp: Date.now(), data: approvedData(sent) });
    await tick();
  }
  await store.persisted();
  const rates = timer.rates(PER_ROUND);
  await store.close();
  return rates;
}

/** Wall and CPU time of this process from now; `rates(n)` gives n per wall second and per CPU second. */
function startTimer() {
  const wall = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  return {
    rates(count) {
      const used = process.cpuUsage(cpu);
      return {
        wall: count / (Number(process.hrtime.bigint() - wall) / 1e9),
        cpu: count / ((used.user + used.system) / 1e6),
      };
    },
  };
}

// The reference: what better-sqlite3 alone does with the same rows. Same
// bursts, one transaction per burst (BEGIN IMMEDIATE … COMMIT) around one
// prepared INSERT per event, into the store's own table (a file the store
// created, so the schema, indexes and pragmas are the store's: WAL,
// synchronous=NORMAL), with the same columns as a fresh row of the store
// (the id is derived from seq, so none is written) and the same body bytes
// serialised in the loop. What the store adds on top is its own
// bookkeeping: the pending queues, the write buffer, the ids and the owner
// heartbeat.
async function bareRate(round) {
  const path = join(dir, `bare-${round}.db`);
  const seed = new SqliteStore({ path });
  seed.open(context({ now: Date.now() }));
  await seed.close();
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(path);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  const insert = db.prepare(
    `INSERT INTO deliveries (seq, endpoint_id, event, body, created_at, next_attempt_at)
       VALUES (?, 'down', ?, ?, ?, ?)`,
  );
  let seq = 0;
  const commit = db.transaction((events, now) => {
    for (const event of events) {
      const body = Buffer.from(JSON.stringify(toWebhookPayload(event)), "utf8");
      insert.run(++seq, "APPROVED", body, event.timestamp, now);
    }
  });
  const timer = startTimer();
  for (let sent = 0; sent < PER_ROUND; ) {
    const burst = [];
    for (let i = 0; i < BURST; i++, sent++)
      burst.push({ type: "approved", timestamp: Date.now(), data: approvedData(sent) });
    await tick();
    commit.immediate(burst, Date.now());
  }
  const rates = timer.rates(PER_ROUND);
  db.close();
  return rates;
}

async function fileSize() {
  const path = join(dir, "size.db");
  const clock = { now: Date.now() };
  const store = new SqliteStore({ path, retention: { delivered: 60_000 } });
  store.open(context(clock));
  for (let sent = 0; sent < EVENTS; ) {
    for (let i = 0; i < BURST && sent < EVENTS; i++, sent++)
      store.enqueue("up", { type: "approved", timestamp: clock.now, data: approvedData(sent) });
    for (const d of store.lease("up", clock.now, BURST)) {
      store.recordAttempt(
        d.id,
        { attempt: 1, startedAt: clock.now, durationMs: 3, status: 204, responseBody: "" },
        { status: "delivered" },
      );
    }
    await tick();
  }
  await store.persisted();
  await store.close();
  const kept = statSync(path).size;
  const again = new SqliteStore({ path, retention: { delivered: 60_000 } });
  clock.now += 120_000;
  again.open(context(clock));
  const pruned = again.prune();
  await again.close();
  return { kept, pruned, afterPrune: statSync(path).size };
}

const result = {};
try {
  console.log(`@attesta/webhooks SqliteStore bench (node ${process.version})\n`);
  if (runs("persisted")) Object.assign(result, await persistedFigure());
  if (runs("emit")) Object.assign(result, await emitFigure());
  if (runs("deliveries")) Object.assign(result, await deliveriesFigure());
  if (runs("size")) Object.assign(result, await sizeFigure());
  console.log(`RESULT ${JSON.stringify(result)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

async function persistedFigure() {
  const withBare = args.bare !== "no";
  await persistedRate("warmup");
  if (withBare) await bareRate("warmup");
  // Alternating rounds, so outside load hits both; the ratio is the median of per-round ratios.
  const rates = [];
  const bare = [];
  for (let round = 0; round < ROUNDS; round++) {
    rates.push(await persistedRate(round));
    if (withBare) bare.push(await bareRate(round));
  }
  if (!withBare) return { persistedPerSecond: median(rates.map((r) => r.wall)), rounds: rates };
  const wall = median(rates.map((r) => r.wall));
  const cpu = median(rates.map((r) => r.cpu));
  const ratio = median(rates.map((r, i) => r.cpu / bare[i].cpu));
  const list = (values) => values.map((r) => r.toFixed(0)).join(", ");
  console.log(
    "4. persisted events/s, SqliteStore (enqueue + group commit, endpoint down, WAL, synchronous=NORMAL)",
  );
  console.log(
    `   SqliteStore:          ${wall.toFixed(0)} events/s wall, ${cpu.toFixed(0)} per CPU second; median of ${ROUNDS} rounds of ${PER_ROUND} in bursts of ${BURST} (wall ${list(rates.map((r) => r.wall))})`,
  );
  console.log(
    `   bare better-sqlite3:  ${median(bare.map((r) => r.wall)).toFixed(0)} rows/s wall, ${median(bare.map((r) => r.cpu)).toFixed(0)} per CPU second (same table, columns and bodies; one prepared INSERT per row, one transaction per burst)`,
  );
  console.log(
    `   ratio:                ${ratio.toFixed(2)} of the bare INSERT loop (CPU time, per round)`,
  );
  console.log(
    `   goal >= ${GOAL}/s:    wall ${wall >= GOAL ? "ok" : "MISSED"}, CPU ${cpu >= GOAL ? "ok" : "MISSED"} (wall time counts other processes' load; CPU time does not)\n`,
  );

  return {
    persistedPerSecond: wall,
    persistedPerCpuSecond: cpu,
    rounds: rates,
    bareRounds: bare,
    ratioToBare: ratio,
  };
}

async function emitFigure() {
  const emit = await alternate(
    3,
    async (kind) => (await runCase("sqlite-dispatcher.mjs", ["emit", kind])).nsPerEmit,
  );
  console.log(
    "5. emit cost, endpoint hanging (queue full, every emit evicts), dispatcher per store",
  );
  console.log(
    `   memory store:         ${median(emit.memory).toFixed(1)} ns/emit (rounds ${emit.memory.map((v) => v.toFixed(1)).join(", ")})`,
  );
  console.log(
    `   SqliteStore:          ${median(emit.sqlite).toFixed(1)} ns/emit (rounds ${emit.sqlite.map((v) => v.toFixed(1)).join(", ")})`,
  );
  console.log(
    `   ratio:                ${emit.ratio.toFixed(2)}x  (goal <= 3x: ${emit.ratio <= 3 ? "ok" : "MISSED"})\n`,
  );

  return { emit };
}

async function deliveriesFigure() {
  const list = (values) => values.map((r) => r.toFixed(0)).join(", ");
  const receiver = await startReceiver();
  let sent;
  try {
    sent = await alternate(3, async (kind) => {
      const result = await runCase("sqlite-dispatcher.mjs", [
        "throughput",
        kind,
        receiver.url,
        String(CONNECTIONS),
        String(SECONDS),
      ]);
      if (result.failed > 0)
        throw new Error(`${kind} round had ${result.failed} failed deliveries`);
      return result.deliveriesPerSecond;
    });
  } finally {
    receiver.stop();
  }
  console.log(
    `6. deliveries/s to a keep-alive loopback receiver (separate process), ${CONNECTIONS} connections, ${SECONDS}s windows`,
  );
  console.log(
    `   memory store:         ${median(sent.memory).toFixed(0)} deliveries/s (rounds ${list(sent.memory)})`,
  );
  console.log(
    `   SqliteStore:          ${median(sent.sqlite).toFixed(0)} deliveries/s (rounds ${list(sent.sqlite)})`,
  );
  console.log(
    `   ratio:                ${sent.ratio.toFixed(2)}  (goal >= 0.6: ${sent.ratio >= 0.6 ? "ok" : "MISSED"})\n`,
  );

  return { deliveries: sent };
}

async function sizeFigure() {
  const size = await fileSize();
  const per1M = (bytes) => mib((bytes * 1_000_000) / EVENTS);
  console.log(`7. file size, ${EVENTS} delivered events with one recorded attempt each`);
  console.log(`   kept (inside retention):   ${per1M(size.kept)} MiB per 1M events`);
  console.log(
    `   after pruning ${size.pruned}: ${mib(size.afterPrune)} MiB (${size.afterPrune} bytes; freed pages returned by incremental vacuum)`,
  );
  return {
    bytesPer1MKept: (size.kept * 1_000_000) / EVENTS,
    bytesAfterPrune: size.afterPrune,
    pruned: size.pruned,
  };
}
