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
// 4. 2 processes vs 1: deliveries per CPU second of all dispatcher processes
//    (postgres-process-case.mjs, database threads included; PostgreSQL's own
//    CPU not counted), the same events split over 2 processes or sent by 1,
//    alternating rounds, median ratio: the cost of coordination.
// Every figure is printed with its goal and a verdict; judge CPU figures and
// ratios on a busy machine, wall-clock rates only on a quiet one.
// Usage: node bench/postgres-store.mjs [--rounds=3] [--events=100000] [--deliveries=5000]
//   [--process-events=4000] [--case=processes]
// --case=processes runs only figure 4 (cheap to repeat while working on coordination).

import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { EventBus } from "@attesta/events";
import { MemoryStore, toWebhookPayload, WebhookDispatcher } from "@attesta/webhooks";
import { PostgresStore } from "@attesta/webhooks/postgres";
import pg from "pg";
import { benchFile, caseResult, startReceiver } from "./processes.mjs";
import { approvedData, median } from "./shared.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => arg.replace(/^--/, "").split("=")),
);
const ROUNDS = Number(args.rounds ?? 3);
const EVENTS = Number(args.events ?? 100_000);
const DELIVERIES = Number(args.deliveries ?? 5000);
const PROCESS_EVENTS = Number(args["process-events"] ?? 4000);
const ONLY_PROCESSES = args.case === "processes";
if (args.case !== undefined && !ONLY_PROCESSES)
  throw new Error(`postgres-store bench: unknown --case=${args.case}; expected --case=processes`);
/** Endpoints of the processes case: every event goes to each. */
const PROCESS_ENDPOINTS = 4;
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

/** Delivered rows of a schema, counted by the server. */
async function deliveredRows(client, schema) {
  const { rows } = await client.query(
    `SELECT count(*)::int AS n FROM "${schema}".deliveries WHERE status = 'delivered'`,
  );
  return rows[0].n;
}

/** `count` dispatcher processes share PROCESS_EVENTS events; deliveries per CPU second of all of them. */
async function processesRate(count, receiverUrl, round) {
  const schema = `procs_${count}_${round}`;
  const children = Array.from({ length: count }, () =>
    spawn(
      process.execPath,
      [
        benchFile("postgres-process-case.mjs"),
        ...[url, schema, receiverUrl, String(PROCESS_EVENTS / count), String(PROCESS_ENDPOINTS)],
      ],
      { stdio: ["pipe", "pipe", "inherit"] },
    ),
  );
  const results = children.map((child, i) => caseResult(child, `process ${i} of ${count}`));
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          let out = "";
          const seen = (chunk) => {
            out += chunk;
            if (!out.includes("READY")) return;
            child.stdout.off("data", seen);
            resolve();
          };
          child.stdout.on("data", seen);
        }),
    ),
  );
  const total = PROCESS_EVENTS * PROCESS_ENDPOINTS;
  const started = performance.now();
  for (const child of children) child.stdin.write("go\n");
  const deadline = Date.now() + 600_000;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    while ((await deliveredRows(client, schema)) < total) {
      if (Date.now() > deadline) throw new Error(`${count} process(es): not all delivered`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await client.end();
  }
  const wall = total / ((performance.now() - started) / 1000);
  for (const child of children) child.stdin.end();
  const cpuSeconds = (await Promise.all(results)).reduce((sum, r) => sum + r.cpuSeconds, 0);
  return { perCpu: total / cpuSeconds, wall };
}

const verdict = (ok) => (ok ? "met" : "MISSED");

/** Figure 4 alone: alternating rounds of 1 and 2 processes, median ratio. */
async function processesOnly() {
  const receiver = await startReceiver();
  const one = [];
  const two = [];
  for (let round = 0; round < ROUNDS; round++) {
    one.push(await processesRate(1, receiver.url, round));
    two.push(await processesRate(2, receiver.url, round));
  }
  receiver.stop();
  printProcesses(one, two);
}

function printProcesses(one, two) {
  const scaling = median(two.map((value, i) => value.perCpu / one[i].perCpu));
  const round = (values) => values.map((v) => Math.round(v)).join(", ");
  console.log(
    `2 processes vs 1, deliveries per CPU second of all processes: 1 process ${round(one.map((r) => r.perCpu))}, 2 processes ${round(two.map((r) => r.perCpu))}; median ratio ${scaling.toFixed(2)} (goal ≥ 0.9: ${verdict(scaling >= 0.9)}); wall deliveries/s 1 process ${round(one.map((r) => r.wall))}, 2 processes ${round(two.map((r) => r.wall))}`,
  );
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
  const one = [];
  const two = [];
  for (let round = 0; round < ROUNDS; round++) {
    memory.push((await deliveriesRate("memory", receiver.url, round)).rate);
    const measured = await deliveriesRate("postgres", receiver.url, round);
    postgres.push(measured.rate);
    trips.push(measured.trips);
    one.push(await processesRate(1, receiver.url, round));
    two.push(await processesRate(2, receiver.url, round));
  }
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
  printProcesses(one, two);
  console.log(
    `round trips per delivery (server transactions / deliveries): ${trips.map((t) => t.toFixed(3)).join(", ")} (goal: report it)`,
  );
}
