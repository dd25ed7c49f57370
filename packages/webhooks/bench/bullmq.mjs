// Distributed delivery through Redis (BullMQ) against the in-memory dispatcher,
// on one keep-alive receiver process. Needs redis-server on the PATH: the bench
// runs its own on a free port, so commandstats and MONITOR see only its traffic.
// Usage: node bench/bullmq.mjs [--seconds=5] [--rounds=3] [--backlog=100000] [--concurrency=10]
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { WebhookQueues } from "@attesta/webhooks/bullmq";
import { Redis } from "ioredis";
import { benchFile, caseResult, runCase, startReceiver } from "./processes.mjs";
import { median } from "./shared.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => arg.replace(/^--/, "").split("=")),
);
const SECONDS = Number(args.seconds ?? 5);
const ROUNDS = Number(args.rounds ?? 3);
const BACKLOG = Number(args.backlog ?? 100_000);
// Requests in flight to the endpoint, for the whole cluster and for the in-memory dispatcher alike.
const CONCURRENCY = Number(args.concurrency ?? 10);
process.env.ATTESTA_BENCH_CONCURRENCY = String(CONCURRENCY);
const WARMUP_MS = 1500;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const fmt = (value, digits = 2) => value.toFixed(digits);
const verdict = (ok) => (ok ? "ok" : "MISSED");

async function freePort() {
  const server = createServer().listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedis() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "attesta-bench-redis-"));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    { cwd: dir, stdio: "ignore" },
  );
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  client.on("error", () => undefined);
  for (let i = 0; i < 100; i++) {
    try {
      await client.connect();
      break;
    } catch {
      await sleep(50);
    }
  }
  await client.ping();
  return {
    url,
    client,
    stop: () => {
      client.disconnect();
      child.kill("SIGTERM");
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function startWorkers(count, redisUrl, prefix, url) {
  const workers = [];
  for (let i = 0; i < count; i++) {
    // Its stdin stays open: closing it tells the worker to report and exit.
    const child = spawn(
      process.execPath,
      [benchFile("bullmq-case.mjs"), "work", redisUrl, prefix, url],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    const [chunk] = await once(child.stdout, "data");
    if (!String(chunk).startsWith("ready")) throw new Error("worker did not start");
    workers.push(child);
  }
  return {
    /** Stops the workers; resolves to their CPU µs per delivery, over all of them. */
    stop: async () => {
      const results = await Promise.all(
        workers.map((child) => {
          const done = caseResult(child, "bullmq worker");
          child.stdin.end();
          return done;
        }),
      );
      const sum = (key) => results.reduce((total, r) => total + r[key], 0);
      return sum("cpuMicros") / sum("delivered");
    },
  };
}

/** CPU time of the whole machine so far, in ms: busy and in total, over every core. */
function machineCpu() {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}

/** Deliveries/s with `count` worker processes draining a prefilled backlog. */
async function bullmqRound(redis, receiverUrl, count, tag) {
  const prefix = `bench-${tag}`;
  await runCase("bullmq-case.mjs", ["produce", redis.url, prefix, receiverUrl, String(BACKLOG)]);
  const queues = new WebhookQueues([{ id: "bench", url: receiverUrl }], {
    connection: redis.url,
    prefix,
  });
  const workers = await startWorkers(count, redis.url, prefix, receiverUrl);
  await sleep(WARMUP_MS);
  const start = {
    at: performance.now(),
    stats: await queues.stats(),
    redisCpu: await redisCpu(redis),
    machine: machineCpu(),
  };
  let end = start;
  // The window ends early rather than measure an emptying queue.
  for (let waited = 0; waited < SECONDS * 1000; waited += 250) {
    await sleep(250);
    end = { at: performance.now(), stats: await queues.stats() };
    if (end.stats.waiting < 1000) break;
  }
  const redisMicros = (await redisCpu(redis)) - start.redisCpu;
  const machine = machineCpu();
  // Cores busy on average during the window: receiver, Redis, workers and everything else.
  const busyCores =
    ((machine.busy - start.machine.busy) / (machine.total - start.machine.total)) * cpus().length;
  if (end.stats.waiting < 1000)
    console.log(`   (backlog nearly drained in round ${tag}; raise --backlog)`);
  const workerMicros = await workers.stop();
  const failed = end.stats.dead + end.stats.failedAttempts;
  await queues.close();
  await redis.client.flushall();
  if (failed > 0) throw new Error(`round ${tag}: ${failed} failed attempts`);
  const delivered = end.stats.delivered - start.stats.delivered;
  return {
    rate: (delivered * 1000) / (end.at - start.at),
    workerMicros,
    redisMicros: redisMicros / delivered,
    busyCores,
  };
}

/** CPU µs the bench's redis-server has used so far. */
async function redisCpu(redis) {
  const info = await redis.client.info("cpu");
  const field = (name) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? 0);
  return (field("used_cpu_user") + field("used_cpu_sys")) * 1e6;
}

function memoryRound(receiverUrl) {
  return runCase("throughput.mjs", [receiverUrl, String(CONCURRENCY), String(SECONDS)]).then(
    (r) => {
      if (r.failed > 0) throw new Error("in-memory round had failed deliveries");
      return r.deliveriesPerSecond;
    },
  );
}

/** Commands sent per delivery, from MONITOR, without those run inside Lua scripts. */
async function roundTrips(redis, receiverUrl) {
  const prefix = "bench-monitor";
  const jobs = 2000;
  const monitor = await redis.client.monitor();
  const counts = { producer: 0, worker: 0, lua: 0 };
  let phase = "producer";
  monitor.on("monitor", (_time, argv, source) => {
    if (source === "lua") counts.lua++;
    else if (String(argv[0]).toLowerCase() !== "monitor") counts[phase]++;
  });
  const produced = await runCase("bullmq-case.mjs", [
    "produce",
    redis.url,
    prefix,
    receiverUrl,
    String(jobs),
  ]);
  await sleep(200);
  const queues = new WebhookQueues([{ id: "bench", url: receiverUrl }], {
    connection: redis.url,
    prefix,
  });
  // The bench's own stats polls are MONITORed too: measure one, then subtract them.
  phase = "probe";
  counts.probe = 0;
  await queues.stats();
  await sleep(200);
  const perPoll = counts.probe;
  phase = "worker";
  const startCounts = { ...counts };
  const workers = await startWorkers(1, redis.url, prefix, receiverUrl);
  let polls = 0;
  for (let i = 0; i < 600; i++) {
    await sleep(250);
    polls++;
    if ((await queues.stats()).delivered >= jobs) break;
  }
  await workers.stop();
  await queues.close();
  monitor.disconnect();
  await redis.client.flushall();
  return {
    producer: startCounts.producer / jobs,
    // MONITOR cannot see pipelines; the producer counts the ones it wrote.
    producerTrips: produced.writes / jobs,
    worker: (counts.worker - startCounts.worker - polls * perPoll) / jobs,
  };
}

console.log(
  `@attesta/webhooks/bullmq bench (node ${process.version}, ${SECONDS}s windows, ${ROUNDS} rounds, endpoint concurrency ${CONCURRENCY}, load ${fmt(loadavg()[0])})\n`,
);
const redis = await startRedis();
const receiver = await startReceiver();
try {
  const memory = [];
  const oneRounds = [];
  const twoRounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    memory.push(await memoryRound(receiver.url));
    oneRounds.push(await bullmqRound(redis, receiver.url, 1, `${round}-1`));
    twoRounds.push(await bullmqRound(redis, receiver.url, 2, `${round}-2`));
  }
  const one = oneRounds.map((r) => r.rate);
  const two = twoRounds.map((r) => r.rate);
  const oneVsMemory = median(one.map((rate, i) => rate / memory[i]));
  const twoVsOne = median(two.map((rate, i) => rate / one[i]));
  const list = (rates) => rates.map((rate) => fmt(rate, 0)).join(", ");
  console.log("1. deliveries/s, signed, to the keep-alive receiver process (rounds alternate)");
  console.log(`   in-memory dispatcher:   ${list(memory)}`);
  console.log(`   Redis, 1 worker:        ${list(one)}`);
  console.log(`   Redis, 2 workers:       ${list(two)}`);
  console.log(
    `   1 worker vs in-memory:  ${fmt(oneVsMemory)}x  (median of per-round ratios; goal >= 0.3: ${verdict(oneVsMemory >= 0.3)})`,
  );
  console.log(
    `   2 workers vs 1:         ${fmt(twoVsOne)}x  (goal >= 1.3: ${verdict(twoVsOne >= 1.3)})`,
  );
  const micros = (rounds, key) => fmt(median(rounds.map((r) => r[key])), 0);
  console.log(
    `   CPU per delivery (median): 1 worker ${micros(oneRounds, "workerMicros")} us + Redis ${micros(oneRounds, "redisMicros")} us; 2 workers ${micros(twoRounds, "workerMicros")} us + Redis ${micros(twoRounds, "redisMicros")} us`,
  );
  const busyOne = median(oneRounds.map((r) => r.busyCores));
  const busyTwo = median(twoRounds.map((r) => r.busyCores));
  console.log(
    `   cores busy (median; the machine has ${cpus().length}): 1 worker ${fmt(busyOne)}, 2 workers ${fmt(busyTwo)}. ` +
      `The receiver, Redis and the workers share them, nothing is pinned: with 1 worker busy at ${fmt(busyOne)}, ` +
      `a second worker can add at most ${fmt(cpus().length / busyOne)}x\n`,
  );
  const trips = await roundTrips(redis, receiver.url);
  console.log(
    "2. Redis commands per delivery (MONITOR on the bench's own redis-server; commands run inside Lua scripts not counted)",
  );
  console.log(
    `   producer:               ${fmt(trips.producer)} commands, ${fmt(trips.producerTrips, 4)} round trips (addBulk: one pipeline per batch of up to 500)`,
  );
  console.log(
    `   worker:                 ${fmt(trips.worker)} commands = round trips (completion fetches the next job in the same call; lock renewals)`,
  );
  console.log(`\n1-minute load average at the end: ${fmt(loadavg()[0])}`);
} finally {
  receiver.stop();
  redis.stop();
}
