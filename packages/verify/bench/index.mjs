// The figures of @attesta/verify's README, each a ratio measured in one run:
//   1. verifyStandardWebhook against the official `standardwebhooks` package,
//      verifying the same message;
//   2. verifyStandardWebhook against createHmac + timingSafeEqual over the
//      same signed content;
//   3. an Express route with verifyAttesta() against a hand-written route
//      (express.raw + createHmac + timingSafeEqual + JSON.parse).
// Rounds alternate between the contenders (order rotated each round) and each
// figure is the median of the per-round ratios, so background load on a shared
// machine hits both sides of a ratio alike. Run after `pnpm build`: `pnpm bench`
// (`--quick` for a short smoke run).

import { Buffer } from "node:buffer";
import { fork } from "node:child_process";
import { createHmac, timingSafeEqual } from "node:crypto";
import autocannon from "autocannon";
import { Webhook } from "standardwebhooks";
import {
  sign,
  signStandardWebhook,
  toWebhookPayload,
  verifySignature,
  verifyStandardWebhook,
} from "../dist/index.js";

const quick = process.argv.includes("--quick");
const ROUNDS = quick ? 3 : 9;
const ROUND_MS = quick ? 150 : 400;
const HTTP_ROUNDS = quick ? 1 : 5;
const HTTP_SECONDS = quick ? 1 : 3;

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const KEY = Buffer.from(SECRET.slice(6), "base64");
const BODY = JSON.stringify(
  toWebhookPayload({
    type: "approved",
    timestamp: Date.now(),
    data: {
      agent_id: "agent-7",
      action_name: "deploy_service",
      risk_score: 0.42,
      risk_level: "medium",
      metadata: { session: "c0ffee", tool: "kubectl", args: ["rollout", "restart", "api"] },
    },
  }),
);
const ID = "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W";
const TIMESTAMP = Math.floor(Date.now() / 1000);
const HEADERS = {
  "webhook-id": ID,
  "webhook-timestamp": String(TIMESTAMP),
  "webhook-signature": signStandardWebhook(BODY, { id: ID, timestamp: TIMESTAMP, secret: SECRET }),
};
const ATTESTA_SIGNATURE = sign(BODY, SECRET);
const official = new Webhook(SECRET);

// The hand-written Standard Webhooks check: read the headers, HMAC the signed
// content with the decoded key, compare in constant time.
function plainStandard(body, headers) {
  const signature = headers["webhook-signature"];
  const expected = createHmac("sha256", KEY)
    .update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.`)
    .update(body)
    .digest();
  const received = Buffer.from(signature.slice(3), "base64");
  return received.length === expected.length && timingSafeEqual(expected, received);
}

function plainAttesta(body, signature) {
  const expected = createHmac("sha256", SECRET).update(body).digest();
  const received = Buffer.from(signature.slice(7), "hex");
  return received.length === expected.length && timingSafeEqual(expected, received);
}

const contenders = {
  verifyStandardWebhook: () => verifyStandardWebhook(BODY, HEADERS, SECRET),
  "standardwebhooks Webhook.verify": () => official.verify(BODY, HEADERS) !== undefined,
  "createHmac + timingSafeEqual (standard)": () => plainStandard(BODY, HEADERS),
  "verifySignature (Attesta scheme)": () => verifySignature(BODY, ATTESTA_SIGNATURE, SECRET),
  "createHmac + timingSafeEqual (Attesta)": () => plainAttesta(BODY, ATTESTA_SIGNATURE),
};

/** Calls per CPU-second of this process: on a shared machine the wall clock also counts other processes. */
function measure(fn, ms) {
  if (fn() !== true) throw new Error("a benchmark contender rejected a valid signature");
  let calls = 0;
  const cpuBefore = process.cpuUsage();
  const end = process.hrtime.bigint() + BigInt(ms) * 1_000_000n;
  while (process.hrtime.bigint() < end) {
    for (let i = 0; i < 200; i++) fn();
    calls += 200;
  }
  const cpu = process.cpuUsage(cpuBefore);
  return calls / ((cpu.user + cpu.system) / 1e6);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString("en-US");
const fixed = (n) => n.toFixed(2);

/** Runs every contender once per round, rotating the order; returns per-round samples. */
function rounds(entries) {
  const samples = Object.fromEntries(entries.map(([name]) => [name, []]));
  for (const [, fn] of entries) measure(fn, ROUND_MS); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < entries.length; i++) {
      const [name, fn] = entries[(round + i) % entries.length];
      samples[name].push(measure(fn, ROUND_MS));
    }
  }
  return samples;
}

const perRound = (a, b) => a.map((value, round) => value / b[round]);

console.log(
  `Node ${process.version}, body ${Buffer.byteLength(BODY)} bytes, ${ROUNDS} rounds of ${ROUND_MS} ms per contender, ` +
    "ops per CPU-second (median of rounds)\n",
);
const samples = rounds(Object.entries(contenders));
for (const [name, values] of Object.entries(samples)) {
  console.log(`${name.padEnd(42)} ${fmt(median(values)).padStart(12)} ops/s`);
}

async function expressRounds() {
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
      headers: { "content-type": "application/json", "x-attesta-signature": ATTESTA_SIGNATURE },
      body: BODY,
    });
  const cpu = () =>
    new Promise((resolve) => {
      child.once("message", (message) => resolve(message.cpu.user + message.cpu.system));
      child.send("cpu");
    });
  const paths = ["/middleware", "/by-hand"];
  const rps = { "/middleware": [], "/by-hand": [] };
  const cpuPerRequest = { "/middleware": [], "/by-hand": [] };
  try {
    for (const path of paths) await run(path); // the same warm-up for both
    for (let round = 0; round < HTTP_ROUNDS; round++) {
      for (let i = 0; i < paths.length; i++) {
        const path = paths[(round + i) % paths.length];
        const before = await cpu();
        const result = await run(path);
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`${path}: ${result.non2xx} non-2xx, ${result.errors} errors`);
        }
        cpuPerRequest[path].push(((await cpu()) - before) / result.requests.total);
        rps[path].push(result.requests.average);
      }
    }
  } finally {
    child.disconnect();
  }
  return { rps, cpuPerRequest };
}

const http = await expressRounds();
console.log(
  `\nExpress route with verifyAttesta()            ${fmt(median(http.rps["/middleware"])).padStart(12)} req/s, ` +
    `${median(http.cpuPerRequest["/middleware"]).toFixed(1)} µs server CPU per request`,
);
console.log(
  `Express route verifying by hand                ${fmt(median(http.rps["/by-hand"])).padStart(12)} req/s, ` +
    `${median(http.cpuPerRequest["/by-hand"]).toFixed(1)} µs server CPU per request`,
);

const ours = samples.verifyStandardWebhook;
console.log("\nRatios (median of per-round ratios; higher is better for @attesta/verify):");
console.log(
  `  verifyStandardWebhook / standardwebhooks verify         ${fixed(median(perRound(ours, samples["standardwebhooks Webhook.verify"])))}  (goal >= 3)`,
);
console.log(
  `  verifyStandardWebhook / createHmac + timingSafeEqual    ${fixed(median(perRound(ours, samples["createHmac + timingSafeEqual (standard)"])))}  (goal >= 0.95)`,
);
console.log(
  `  Express middleware / by hand, req/s                     ${fixed(median(perRound(http.rps["/middleware"], http.rps["/by-hand"])))}  (goal >= 0.95)`,
);
console.log(
  `  Express middleware / by hand, server CPU per request    ${fixed(median(perRound(http.cpuPerRequest["/by-hand"], http.cpuPerRequest["/middleware"])))}  (same figure, less sensitive to other load)`,
);
console.log(
  `  verifySignature / createHmac + timingSafeEqual (Attesta) ${fixed(median(perRound(samples["verifySignature (Attesta scheme)"], samples["createHmac + timingSafeEqual (Attesta)"])))}  (informational)`,
);
