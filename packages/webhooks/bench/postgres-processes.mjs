// Figure 4 of postgres-store.mjs, "2 processes vs 1": deliveries per CPU
// second of all dispatcher processes (postgres-process-case.mjs, database
// threads included; PostgreSQL's and the receiver's CPU not counted), the same
// events sent by 1 process or split over 2, after a warm-up in every process.
// Each round runs, one after another:
//   shared    1 and 2 processes on one schema: the figure;
//   separate  2 processes with a schema each: nothing coordinated, so
//             "shared 2 / separate 2" is the cost of coordination alone;
//   memory    1 and 2 processes on the memory store: what 2 processes cost
//             on this machine with no database at all;
//   peer      1 and 2 autocannon processes sending as many requests over as
//             many connections: what 2 processes cost with none of our code.
// Ratios are medians of per-round ratios.
import { spawn } from "node:child_process";
import { benchFile, caseResult } from "./processes.mjs";
import { median } from "./shared.mjs";

/** Endpoints of every process: each event goes to each. */
const ENDPOINTS = 4;
/** Events each process emits before the clock starts. */
const WARM = 1000;

/** Starts `count` case processes and resolves once each printed READY. */
async function startCases(count, caseArgs) {
  const cases = Array.from({ length: count }, (_, i) => {
    const child = spawn(
      process.execPath,
      [benchFile("postgres-process-case.mjs"), ...caseArgs(i)],
      {
        stdio: ["pipe", "pipe", "inherit"],
      },
    );
    const state = { child, delivered: 0, ready: false };
    state.result = caseResult(child, `process ${i} of ${count}`);
    let pending = "";
    child.stdout.on("data", (chunk) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop();
      for (const line of lines) {
        if (line === "READY") state.ready = true;
        else if (line.startsWith("D ")) state.delivered = Number(line.slice(2));
      }
    });
    return state;
  });
  await until(() => cases.every((c) => c.ready), "the processes to start");
  return cases;
}

async function until(condition, what, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline)
      throw new Error(`postgres processes bench: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * `count` processes share `events` events (warmed up first); `schemaOf(i)`
 * names each one's schema (undefined: the memory store).
 */
async function measure({ url, receiverUrl, events, count, schemaOf }) {
  const cases = await startCases(count, (i) => [
    schemaOf(i) === undefined ? "memory" : "postgres",
    url,
    schemaOf(i) ?? "-",
    receiverUrl,
    String(events / count),
    String(ENDPOINTS),
    String(WARM),
  ]);
  const sum = () => cases.reduce((total, c) => total + c.delivered, 0);
  const send = (line) => {
    for (const c of cases) c.child.stdin.write(`${line}\n`);
  };
  const warmed = WARM * count * ENDPOINTS;
  send("warm");
  await until(() => sum() >= warmed, "the warm-up deliveries");
  const total = warmed + events * ENDPOINTS;
  const started = performance.now();
  send("go");
  await until(() => sum() >= total, `${count} process(es) to deliver ${total}`);
  const wall = (events * ENDPOINTS) / ((performance.now() - started) / 1000);
  for (const c of cases) c.child.stdin.end();
  const results = await Promise.all(cases.map((c) => c.result));
  const cpuSeconds = results.reduce((all, r) => all + r.cpuSeconds, 0);
  // Who delivered what: one process may deliver every endpoint (leases), or each a share.
  const split = results.map((r) => r.delivered).join("/");
  return { perCpu: (events * ENDPOINTS) / cpuSeconds, wall, split };
}

/** Requests per CPU second of `count` autocannon processes sharing the same load. */
async function peer({ receiverUrl, events, count }) {
  const requests = (events * ENDPOINTS) / count;
  const connections = (25 * ENDPOINTS) / count;
  const results = await Promise.all(
    Array.from({ length: count }, (_, i) => {
      const args = [benchFile("autocannon-process-case.mjs"), receiverUrl, connections, requests];
      const child = spawn(process.execPath, args.map(String), {
        stdio: ["ignore", "pipe", "inherit"],
      });
      return caseResult(child, `autocannon process ${i} of ${count}`);
    }),
  );
  const cpuSeconds = results.reduce((all, r) => all + r.cpuSeconds, 0);
  return { perCpu: (events * ENDPOINTS) / cpuSeconds };
}

/** Alternating rounds of every configuration; returns the per-round figures. */
export async function processesFigures({ url, receiverUrl, rounds, events }) {
  const runs = {
    ...{ one: [], shared: [], separate: [] },
    ...{ memoryOne: [], memoryTwo: [], peerOne: [], peerTwo: [] },
  };
  for (let round = 0; round < rounds; round++) {
    const base = { url, receiverUrl, events };
    runs.one.push(await measure({ ...base, count: 1, schemaOf: () => `one_${round}` }));
    runs.shared.push(await measure({ ...base, count: 2, schemaOf: () => `shared_${round}` }));
    runs.separate.push(
      await measure({ ...base, count: 2, schemaOf: (i) => `separate_${round}_${i}` }),
    );
    runs.memoryOne.push(await measure({ ...base, count: 1, schemaOf: () => undefined }));
    runs.memoryTwo.push(await measure({ ...base, count: 2, schemaOf: () => undefined }));
    runs.peerOne.push(await peer({ ...base, count: 1 }));
    runs.peerTwo.push(await peer({ ...base, count: 2 }));
  }
  return runs;
}

const rounded = (values) => values.map((v) => Math.round(v)).join(", ");
const ratio = (a, b) => median(a.map((value, i) => value.perCpu / b[i].perCpu));

export function printProcesses(runs, verdict) {
  const scaling = ratio(runs.shared, runs.one);
  const bound = ratio(runs.separate, runs.one);
  const memory = ratio(runs.memoryTwo, runs.memoryOne);
  const client = ratio(runs.peerTwo, runs.peerOne);
  const coordination = ratio(runs.shared, runs.separate);
  const perCpu = (list) => rounded(list.map((r) => r.perCpu));
  console.log(
    `2 processes vs 1, deliveries per CPU second of all processes: 1 process ${perCpu(runs.one)}, 2 processes ${perCpu(runs.shared)}; median ratio ${scaling.toFixed(2)} (goal ≥ 0.9: ${verdict(scaling >= 0.9)}); wall deliveries/s 1 process ${rounded(runs.one.map((r) => r.wall))}, 2 processes ${rounded(runs.shared.map((r) => r.wall))}; delivered by each of the 2: ${runs.shared.map((r) => r.split).join(", ")}`,
  );
  console.log(
    `  what bounds it on this machine, 2 processes vs 1 with nothing coordinated: a schema each ${bound.toFixed(2)} (2 processes ${perCpu(runs.separate)}); memory store, no database ${memory.toFixed(2)} (1 process ${perCpu(runs.memoryOne)}, 2 processes ${perCpu(runs.memoryTwo)}); autocannon, none of our code ${client.toFixed(2)} (requests per CPU second, 1 process ${perCpu(runs.peerOne)}, 2 processes ${perCpu(runs.peerTwo)})`,
  );
  console.log(
    `  the cost of coordination, 2 processes sharing one schema vs 2 with a schema each: median ratio ${coordination.toFixed(2)} (goal ≥ 0.9: ${verdict(coordination >= 0.9)})`,
  );
}
