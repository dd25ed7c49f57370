// Throughput of verifySignature against its peers, measured in one run:
//   1. a plain createHmac + timingSafeEqual check,
//   2. @octokit/webhooks-methods verify,
//   3. an Express route with verifyAttesta() against the same route without it
//      (autocannon), plus, for context, a route that only reads the body and one
//      that reads, verifies and parses by hand.
// Run after `pnpm build`: `pnpm bench`. Rounds are interleaved so background
// load affects every contender alike; medians are reported.

import { Buffer } from "node:buffer";
import { fork } from "node:child_process";
import { createHmac, timingSafeEqual } from "node:crypto";
import { verify as octokitVerify } from "@octokit/webhooks-methods";
import autocannon from "autocannon";
import { sign, verifySignature, verifySignatureAsync } from "../dist/index.js";
import { verifySignature as verifyPortable } from "../dist/web.js";

const SECRET = "whsec_bench_secret_0123456789";
const BODY = JSON.stringify({
  event: "APPROVED",
  timestamp: "2025-06-15T14:32:18.123+00:00",
  data: {
    agent_id: "agent-7",
    action_name: "deploy_service",
    risk_score: 0.42,
    risk_level: "medium",
    metadata: {
      session: "c0ffee",
      tool: "kubectl",
      args: ["rollout", "restart", "deployment/api"],
    },
  },
});
const SIGNATURE = sign(BODY, SECRET);
const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 7;
const ROUND_MS = quick ? 200 : 500;
const HTTP_ROUNDS = quick ? 1 : 5;
const HTTP_SECONDS = quick ? 1 : 3;

function plainVerify(body, signature, secret) {
  if (typeof signature !== "string" || !signature.startsWith("sha256=")) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  const received = Buffer.from(signature.slice(7), "hex");
  return received.length === expected.length && timingSafeEqual(expected, received);
}

const contenders = {
  "verifySignature (node)": () => verifySignature(BODY, SIGNATURE, SECRET),
  "createHmac + timingSafeEqual": () => plainVerify(BODY, SIGNATURE, SECRET),
  "@octokit/webhooks-methods verify": () => octokitVerify(SECRET, BODY, SIGNATURE),
  "verifySignatureAsync (node)": () => verifySignatureAsync(BODY, SIGNATURE, SECRET),
  "verifySignature (portable JS)": () => verifyPortable(BODY, SIGNATURE, SECRET),
};

/**
 * Calls `fn` for `ms` milliseconds, awaiting it when it returns a promise, and
 * returns calls per second of this process's CPU time: on a shared machine the
 * wall clock also counts time other processes held the core.
 */
async function measure(fn, ms) {
  const first = fn();
  const isAsync = first instanceof Promise;
  if (isAsync) await first;
  if ((await first) !== true) throw new Error("benchmark contender rejected a valid signature");
  let calls = 0;
  const cpuBefore = process.cpuUsage();
  const start = process.hrtime.bigint();
  const end = start + BigInt(ms) * 1_000_000n;
  let now = start;
  while (now < end) {
    for (let i = 0; i < 200; i++) {
      if (isAsync) await fn();
      else fn();
    }
    calls += 200;
    now = process.hrtime.bigint();
  }
  const cpu = process.cpuUsage(cpuBefore);
  return calls / ((cpu.user + cpu.system) / 1e6);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};
const fmt = (n) => Math.round(n).toLocaleString("en-US");

console.log(
  `Node ${process.version}, body ${Buffer.byteLength(BODY)} bytes, ${ROUNDS} interleaved rounds of ${ROUND_MS} ms, ops per CPU-second\n`,
);
for (const fn of Object.values(contenders)) await measure(fn, ROUND_MS); // warm-up
const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, fn] of Object.entries(contenders))
    samples[name].push(await measure(fn, ROUND_MS));
}
const opsPerSecond = Object.fromEntries(
  Object.entries(samples).map(([name, values]) => [name, median(values)]),
);
for (const [name, ops] of Object.entries(opsPerSecond))
  console.log(`${name.padEnd(36)} ${fmt(ops).padStart(12)} ops/s`);

async function expressRps() {
  const child = fork(new URL("./express-server.mjs", import.meta.url), [SECRET], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const { port } = await new Promise((resolve, reject) => {
    child.once("message", resolve);
    child.once("error", reject);
  });
  const run = (path) =>
    autocannon({
      url: `http://127.0.0.1:${port}${path}`,
      method: "POST",
      connections: 10,
      duration: HTTP_SECONDS,
      headers: { "content-type": "application/json", "x-attesta-signature": SIGNATURE },
      body: BODY,
    });
  const cpu = () =>
    new Promise((resolve) => {
      child.once("message", (message) => resolve(message.cpu.user + message.cpu.system));
      child.send("cpu");
    });
  const paths = ["without", "with", "read-only", "by-hand"];
  const results = Object.fromEntries(paths.map((path) => [path, []]));
  const cpuPerRequest = Object.fromEntries(paths.map((path) => [path, []]));
  try {
    // Every route gets the same warm-up, and the order rotates each round so
    // none always runs right after another.
    for (const path of paths) await run(`/${path}`);
    for (let round = 0; round < HTTP_ROUNDS; round++) {
      for (let i = 0; i < paths.length; i++) {
        const path = paths[(round + i) % paths.length];
        const before = await cpu();
        const result = await run(`/${path}`);
        cpuPerRequest[path].push(((await cpu()) - before) / result.requests.total);
        if (result.non2xx > 0 || result.errors > 0)
          throw new Error(`/${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        results[path].push(result.requests.average);
      }
    }
  } finally {
    child.disconnect();
  }
  return {
    with: median(results.with),
    without: median(results.without),
    byHand: median(results["by-hand"]),
    readOnly: median(results["read-only"]),
    cpuWith: median(cpuPerRequest.with),
    cpuWithout: median(cpuPerRequest.without),
    cpuByHand: median(cpuPerRequest["by-hand"]),
    cpuReadOnly: median(cpuPerRequest["read-only"]),
  };
}

const rps = await expressRps();
console.log(`\nExpress route without middleware       ${fmt(rps.without).padStart(12)} req/s`);
console.log(`Express route with verifyAttesta()      ${fmt(rps.with).padStart(12)} req/s`);
console.log(`Express route only reading the body     ${fmt(rps.readOnly).padStart(12)} req/s`);
console.log(`Express route verifying by hand         ${fmt(rps.byHand).padStart(12)} req/s`);
console.log(
  `Server CPU per request: ${rps.cpuWithout.toFixed(1)} µs without, ${rps.cpuWith.toFixed(1)} µs with the middleware, ` +
    `${rps.cpuReadOnly.toFixed(1)} µs only reading, ${rps.cpuByHand.toFixed(1)} µs by hand`,
);

const ratio = (a, b) => (a / b).toFixed(2);
const ours = opsPerSecond["verifySignature (node)"];
console.log("\nRatios (higher is better for verifySignature):");
console.log(
  `  verifySignature / createHmac + timingSafeEqual   ${ratio(ours, opsPerSecond["createHmac + timingSafeEqual"])}  (goal >= 0.95)`,
);
console.log(
  `  verifySignature / @octokit/webhooks-methods      ${ratio(ours, opsPerSecond["@octokit/webhooks-methods verify"])}  (goal >= 1.0)`,
);
console.log(
  `  Express with middleware / without                ${ratio(rps.with, rps.without)}  (goal >= 0.9)`,
);
console.log(
  `  Express, by server CPU per request               ${ratio(rps.cpuWithout, rps.cpuWith)}  (same ratio, less sensitive to other load)`,
);
console.log(
  `  Express with middleware / verifying by hand      ${ratio(rps.with, rps.byHand)}  (informational)`,
);
console.log(
  `  portable JS / node:crypto verifySignature        ${ratio(opsPerSecond["verifySignature (portable JS)"], ours)}  (informational)`,
);
