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
//        [--seconds=5] [--connections=10]
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { toWebhookPayload } from "@attesta/webhooks";
import { SqliteStore } from "@attesta/webhooks/sqlite";
import Database from "better-sqlite3";
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
const here = (file) => fileURLToPath(new URL(file, import.meta.url));

async function runCase(caseArgs) {
  const child = spawn(process.execPath, [here("sqlite-dispatcher.mjs"), ...caseArgs], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  const [code] = await once(child, "exit");
  const line = out.split("\n").find((l) => l.startsWith("RESULT "));
  if (code !== 0 || line === undefined)
    throw new Error(`sqlite-dispatcher.mjs ${caseArgs.join(" ")} failed (exit ${code})`);
  return JSON.parse(line.slice("RESULT ".length));
}

async function startReceiver() {
  const child = spawn(process.execPath, [here("receiver.mjs")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const [chunk] = await once(child.stdout, "data");
  return {
    url: `http://127.0.0.1:${Number.parseInt(String(chunk), 10)}/hook`,
    stop: () => child.stdin.end(),
  };
}

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
  serialize: (event) => Buffer.from(JSON.stringify(toWebhookPayload(event)), "utf8"),
  mintId: () => randomUUID(),
  now: () => clock.now,
  limits: () => ({ maxPending: Number.MAX_SAFE_INTEGER, overflow: "drop-newest" }),
  onUnserializable: () => {},
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
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < PER_ROUND; ) {
    for (let i = 0; i < BURST; i++, sent++)
      store.enqueue("down", { type: "approved", timestamp: clock.now, data: approvedData(sent) });
    await tick();
  }
  await store.persisted();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await store.close();
  return PER_ROUND / seconds;
}

// The reference: the least any SQLite log of these events costs on this
// machine. Same bursts, ids and body bytes, one bare INSERT per event into a
// table with only a primary key and the id index, one transaction per burst.
async function bareRate(round) {
  const db = new Database(join(dir, `bare-${round}.db`));
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec(
    "CREATE TABLE log (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, body BLOB NOT NULL)",
  );
  const insert = db.prepare("INSERT INTO log (id, body) VALUES (?, ?)");
  const commit = db.transaction((events) => {
    for (const event of events)
      insert.run(randomUUID(), Buffer.from(JSON.stringify(toWebhookPayload(event)), "utf8"));
  });
  const now = Date.now();
  const started = process.hrtime.bigint();
  for (let sent = 0; sent < PER_ROUND; ) {
    const burst = [];
    for (let i = 0; i < BURST; i++, sent++)
      burst.push({ type: "approved", timestamp: now, data: approvedData(sent) });
    await tick();
    commit.immediate(burst);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  db.close();
  return PER_ROUND / seconds;
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

try {
  await persistedRate("warmup");
  await bareRate("warmup");
  // Alternating rounds, so outside load hits both; the ratio is the median of per-round ratios.
  const rates = [];
  const bare = [];
  for (let round = 0; round < ROUNDS; round++) {
    rates.push(await persistedRate(round));
    bare.push(await bareRate(round));
  }
  const rate = median(rates);
  const ratio = median(rates.map((r, i) => r / bare[i]));
  const list = (values) => values.map((r) => r.toFixed(0)).join(", ");
  console.log(`@attesta/webhooks SqliteStore bench (node ${process.version})\n`);
  console.log(
    "4. persisted events/s, SqliteStore (enqueue + group commit, endpoint down, WAL, synchronous=NORMAL)",
  );
  console.log(
    `   SqliteStore:          ${rate.toFixed(0)} events/s, median of ${ROUNDS} rounds of ${PER_ROUND} in bursts of ${BURST} (rounds ${list(rates)})`,
  );
  console.log(
    `   bare better-sqlite3:  ${median(bare).toFixed(0)} rows/s (same ids and bodies, one INSERT each; rounds ${list(bare)})`,
  );
  console.log(`   ratio:                ${ratio.toFixed(2)} of the bare INSERT loop`);
  console.log(`   goal >= ${GOAL}/s:    ${rate >= GOAL ? "ok" : "MISSED"}\n`);

  const emit = await alternate(3, async (kind) => (await runCase(["emit", kind])).nsPerEmit);
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

  const receiver = await startReceiver();
  let sent;
  try {
    sent = await alternate(3, async (kind) => {
      const result = await runCase([
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

  const size = await fileSize();
  const per1M = (bytes) => mib((bytes * 1_000_000) / EVENTS);
  console.log(`7. file size, ${EVENTS} delivered events with one recorded attempt each`);
  console.log(`   kept (inside retention):   ${per1M(size.kept)} MiB per 1M events`);
  console.log(
    `   after pruning ${size.pruned}: ${mib(size.afterPrune)} MiB (${size.afterPrune} bytes; freed pages returned by incremental vacuum)`,
  );
  console.log(
    `RESULT ${JSON.stringify({ persistedPerSecond: rate, rounds: rates, bareRounds: bare, ratioToBare: ratio, emit, deliveries: sent, bytesPer1MKept: (size.kept * 1_000_000) / EVENTS, bytesAfterPrune: size.afterPrune, pruned: size.pruned })}`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
