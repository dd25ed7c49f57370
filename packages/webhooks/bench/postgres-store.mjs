// PostgresStore against the PostgreSQL of DATABASE_URL (default
// postgres://postgres@127.0.0.1:5432/test), in a database of its own that is
// dropped at the end:
// 1. persisted events/s: enqueue in bursts as the bus would (one burst per
//    tick), batched into one statement per commit; the clock stops when
//    persisted() says the last event is committed. Median of the rounds.
// 2. deliveries/s of a WebhookDispatcher on PostgresStore against the same
//    dispatcher on the memory store, same receiver (its own process),
//    alternating rounds, median ratio.
// 3. round trips per delivery: transactions the server counted during the
//    PostgresStore deliveries, divided by the deliveries.
// 4. 2 processes vs 1: deliveries per CPU second of all dispatcher processes,
//    with the controls that show what bounds it and the cost of coordination
//    alone (postgres-processes.mjs).
// Every figure is printed with its goal and a verdict; judge CPU figures and
// ratios on a busy machine, wall-clock rates only on a quiet one.
// Usage: node bench/postgres-store.mjs [--rounds=3] [--events=100000] [--deliveries=5000]
//   [--process-events=10000] [--case=processes]
// --case=processes runs only figure 4 (cheap to repeat while working on coordination).

import { randomUUID } from "node:crypto";
import { EventBus } from "@attesta/events";
import { MemoryStore, toWebhookPayload, WebhookDispatcher } from "@attesta/webhooks";
import { PostgresStore } from "@attesta/webhooks/postgres";
import pg from "pg";
import { printProcesses, processesFigures } from "./postgres-processes.mjs";
import { startReceiver } from "./processes.mjs";
import { approvedData, median } from "./shared.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => arg.replace(/^--/, "").split("=")),
);
const ROUNDS = Number(args.rounds ?? 3);
const EVENTS = Number(args.events ?? 100_000);
const DELIVERIES = Number(args.deliveries ?? 5000);
const PROCESS_EVENTS = Number(args["process-events"] ?? 10_000);
const ONLY_PROCESSES = args.case === "processes";
if (args.case !== undefined && !ONLY_PROCESSES)
  throw new Error(`postgres-store bench: unknown --case=${args.case}; expected --case=processes`);
const BURST = 1000;
const base = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const database = `attesta_bench_${process.pid}`;
const url = Object.assign(new URL(base), { pathname: `/${database}` }).toString();

async function admin(sql) {
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Persisted events per CPU second of this process (both its threads; PostgreSQL's own CPU not counted). */
const perCpu = [];
/** Events the store could not make a body for: a broken context here, never part of a fast figure. */
let unserializable = 0;
const tick = () => new Promise((resolve) => setImmediate(resolve));
const context = () => ({
  serialize: (event) => Buffer.from(JSON.stringify(toWebhookPayload(event)), "utf8"),
  // The store asks for the body with its content type and headers (none for the Attesta format).
  render: (event) => ({ body: Buffer.from(JSON.stringify(toWebhookPayload(event)), "utf8") }),
  mintId: () => randomUUID(),
  now: () => Date.now(),
  limits: () => ({ maxPending: 10_000, overflow: "drop-newest" }),
  onUnserializable: () => {
    unserializable++;
  },
  onCommitError: (error) => {
    throw error;
  },
});

async function persistedRate(round) {
  const store = new PostgresStore({ connection: url, schema: `rate_${round}` });
  store.open(context());
  const started = performance.now();
  const cpu = process.cpuUsage();
  for (let sent = 0; sent < EVENTS; ) {
    for (let i = 0; i < BURST; i++, sent++)
      store.enqueue("down", { type: "approved", timestamp: Date.now(), data: approvedData(sent) });
    await tick();
  }
  await store.persisted();
  const rate = EVENTS / ((performance.now() - started) / 1000);
  const used = process.cpuUsage(cpu);
  perCpu.push(EVENTS / ((used.user + used.system) / 1e6));
  await store.close();
  return rate;
}

async function committedTransactions() {
  const { rows } = await admin(
    `SELECT pg_stat_force_next_flush(), (SELECT xact_commit FROM pg_stat_database WHERE datname = '${database}') AS n`,
  );
  return Number(rows[0].n);
}

async function deliveriesRate(kind, receiverUrl, round) {
  const bus = new EventBus();
  const store =
    kind === "memory"
      ? new MemoryStore()
      : new PostgresStore({ connection: url, schema: `deliveries_${round}` });
  const dispatcher = new WebhookDispatcher(
    bus,
    [
      {
        id: "bench",
        url: receiverUrl,
        secret: "whsec_bench",
        concurrency: 50,
        maxQueueSize: 100_000,
      },
    ],
    { store, logger: null },
  );
  const before = kind === "postgres" ? await committedTransactions() : 0;
  const started = performance.now();
  for (let n = 0; n < DELIVERIES; n++) {
    bus.emit({ type: "approved", data: approvedData(n) });
    if (n % 500 === 499) await tick();
  }
  while (dispatcher.stats().delivered < DELIVERIES) await new Promise((r) => setTimeout(r, 5));
  const rate = DELIVERIES / ((performance.now() - started) / 1000);
  await dispatcher.close();
  // The dispatcher's own statements only: opening (migrations) happened before `before`.
  const trips = kind === "postgres" ? ((await committedTransactions()) - before) / DELIVERIES : 0;
  return { rate, trips };
}

const verdict = (ok) => (ok ? "met" : "MISSED");

/** Figure 4's rounds against `receiver`. */
const processesRuns = (receiver) =>
  processesFigures({ url, receiverUrl: receiver.url, rounds: ROUNDS, events: PROCESS_EVENTS });

/** Figure 4 alone. */
async function processesOnly() {
  const receiver = await startReceiver();
  const runs = await processesRuns(receiver);
  receiver.stop();
  printProcesses(runs, verdict);
}

await admin(`CREATE DATABASE ${database}`);
try {
  if (ONLY_PROCESSES) await processesOnly();
  else await allFigures();
} finally {
  await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
}

async function allFigures() {
  const persisted = [];
  for (let round = 0; round < ROUNDS; round++) persisted.push(await persistedRate(round));
  if (unserializable > 0)
    throw new Error(`the bench's store context failed to make ${unserializable} bodies`);
  const receiver = await startReceiver();
  const memory = [];
  const postgres = [];
  const trips = [];
  for (let round = 0; round < ROUNDS; round++) {
    memory.push((await deliveriesRate("memory", receiver.url, round)).rate);
    const measured = await deliveriesRate("postgres", receiver.url, round);
    postgres.push(measured.rate);
    trips.push(measured.trips);
  }
  const runs = await processesRuns(receiver);
  receiver.stop();
  const ratio = median(postgres.map((value, i) => value / memory[i]));
  const round = (values) => values.map((v) => Math.round(v)).join(", ");
  const rate = median(persisted);
  console.log(
    `persisted events/s (batched): ${round(persisted)}; median ${Math.round(rate)} (goal ≥ 30,000: ${verdict(rate >= 30_000)}); per CPU second of this process ${round(perCpu)}`,
  );
  console.log(
    `deliveries/s memory: ${round(memory)}; postgres: ${round(postgres)}; median ratio ${ratio.toFixed(2)} (goal ≥ 0.4: ${verdict(ratio >= 0.4)})`,
  );
  printProcesses(runs, verdict);
  console.log(
    `round trips per delivery (server transactions / deliveries): ${trips.map((t) => t.toFixed(3)).join(", ")} (goal: report it)`,
  );
}
