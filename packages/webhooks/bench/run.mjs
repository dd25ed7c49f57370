// Runs every bench case in its own process and prints the ratios.
// Usage: node bench/run.mjs [--seconds=5] [--connections=10] [--rounds=5]
import { spawn } from "node:child_process";
import { once } from "node:events";
import { benchFile, runCase, startReceiver } from "./processes.mjs";
import { median } from "./shared.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => arg.replace(/^--/, "").split("=")),
);
const SECONDS = Number(args.seconds ?? 5);
const CONNECTIONS = Number(args.connections ?? 10);
const ROUNDS = Number(args.rounds ?? 5);

const fmt = (value, digits = 2) => value.toFixed(digits);
const verdict = (ok) => (ok ? "ok" : "MISSED");

console.log(
  `@attesta/webhooks bench (node ${process.version}, ${SECONDS}s windows, ${CONNECTIONS} connections)\n`,
);

// 1. emit cost: alternating rounds, median of per-round ratios (one pair alone swung from
// 1.8x to 2.9x between two runs on a quiet machine).
const emitRounds = [];
for (let round = 0; round < ROUNDS; round++) {
  const baseline = await runCase("emit-cost.mjs", ["baseline"]);
  const attached = await runCase("emit-cost.mjs", ["dispatcher"]);
  emitRounds.push({ baseline, attached, ratio: attached.nsPerEmit / baseline.nsPerEmit });
}
const emitRatio = median(emitRounds.map((r) => r.ratio));
const { dropped, queued } = emitRounds[0].attached;
console.log("1. emit cost, endpoint hanging (queue full, every emit evicts the oldest event)");
console.log(
  `   bus alone:            ${emitRounds.map((r) => fmt(r.baseline.nsPerEmit, 1)).join(", ")} ns/emit`,
);
console.log(
  `   bus + dispatcher:     ${emitRounds.map((r) => fmt(r.attached.nsPerEmit, 1)).join(", ")} ns/emit (first round: dropped ${dropped}, queued ${queued})`,
);
console.log(
  `   ratio:                ${fmt(emitRatio)}x  (median of per-round ratios; goal <= 2x: ${verdict(emitRatio <= 2)})\n`,
);

// 2. throughput, against one receiver process shared by both clients. The two
// clients alternate (A B A B …) so that a burst of outside load hits both, and
// each keeps its best round.
const receiver = await startReceiver();
const oursRounds = [];
const peerRounds = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    oursRounds.push(
      await runCase("throughput.mjs", [receiver.url, String(CONNECTIONS), String(SECONDS)]),
    );
    peerRounds.push(
      await runCase("autocannon.mjs", [receiver.url, String(CONNECTIONS), String(SECONDS)]),
    );
  }
} finally {
  receiver.stop();
}
// A failed delivery or a non-2xx answer would make the rates incomparable.
for (const r of oursRounds)
  if (r.failed > 0) throw new Error(`dispatcher round had ${r.failed} failed deliveries`);
for (const r of peerRounds)
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error("autocannon round had errors or non-2xx answers");
const ours = oursRounds.reduce((best, r) =>
  r.deliveriesPerSecond > best.deliveriesPerSecond ? r : best,
);
const peer = peerRounds.reduce((best, r) =>
  r.requestsPerSecond > best.requestsPerSecond ? r : best,
);
const throughputRatio = ours.deliveriesPerSecond / peer.requestsPerSecond;
console.log(
  `2. deliveries/s to a keep-alive loopback receiver (node:http, separate process), best of ${ROUNDS} alternating rounds`,
);
console.log(
  `   WebhookDispatcher:    ${fmt(ours.deliveriesPerSecond, 0)} deliveries/s (signed; rounds ${oursRounds.map((r) => fmt(r.deliveriesPerSecond, 0)).join(", ")})`,
);
console.log(
  `   autocannon:           ${fmt(peer.requestsPerSecond, 0)} req/s (same headers and body; rounds ${peerRounds.map((r) => fmt(r.requestsPerSecond, 0)).join(", ")})`,
);
console.log(
  `   ratio:                ${fmt(throughputRatio)}x  (goal >= 0.6: ${verdict(throughputRatio >= 0.6)})\n`,
);

// 3. memory under a hanging endpoint
const rss = await runCase("rss.mjs", [], ["--expose-gc"]);
console.log("3. RSS after 1,000,000 events to a hanging endpoint");
console.log(
  `   increase:             ${fmt(rss.rssIncreaseMiB, 1)} MiB (queued ${rss.queued}, in flight ${rss.inFlight}, dropped ${rss.dropped})`,
);
console.log(`   goal <= 64 MiB:       ${verdict(rss.rssIncreaseMiB <= 64)}`);

// 4. fleet: 1,000 endpoints on one origin, against a receiver that counts its sockets.
async function startCountingReceiver() {
  const child = spawn(process.execPath, [benchFile("counting-receiver.mjs")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const [chunk] = await once(child.stdout, "data");
  const [port, statsPort] = String(chunk).trim().split(" ").map(Number);
  return {
    base: `http://127.0.0.1:${port}`,
    stats: `http://127.0.0.1:${statsPort}/`,
    stop: () => child.stdin.end(),
  };
}

const counting = await startCountingReceiver();
const fleetRounds = [];
const hangingRounds = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    // A fresh receiver peak per round would need a restart; its peak over all rounds bounds each.
    const many = await runCase(
      "fleet.mjs",
      ["fleet", counting.base, counting.stats, "1000", "20"],
      ["--expose-gc"],
    );
    const one = await runCase(
      "fleet.mjs",
      ["fleet", counting.base, counting.stats, "1", "20000"],
      ["--expose-gc"],
    );
    fleetRounds.push({ many, one, ratio: many.deliveriesPerSecond / one.deliveriesPerSecond });
    // Alone and beside alternate inside one process (A B, B A): two phases per process.
    const hanging = await runCase("fleet.mjs", ["hanging", `${counting.base}/hook`, "50000", "2"]);
    for (const phase of hanging.rounds)
      hangingRounds.push({ ...phase, ratio: phase.beside / phase.alone });
  }
} finally {
  counting.stop();
}
for (const { many, one } of fleetRounds) {
  if (many.delivered !== many.expected || one.delivered !== one.expected)
    throw new Error("a fleet round did not deliver every event");
}
const fleetRatio = median(fleetRounds.map((r) => r.ratio));
const last = fleetRounds.at(-1).many;
const peakClient = Math.max(
  ...fleetRounds.map((r) => Math.max(r.many.peakSockets, r.one.peakSockets)),
);
const peakServer = Math.max(...fleetRounds.map((r) => r.many.serverPeakSockets));
console.log(
  "\n4. 1,000 endpoints x 20 events on one origin (signed), vs 1 endpoint x 20,000 events",
);
console.log(
  `   delivered:            ${last.delivered} of ${last.expected} in every round; sockets at most ${peakClient} (receiver saw ${peakServer}; cap ${last.maxSockets}: ${verdict(peakClient <= last.maxSockets && peakServer <= last.maxSockets)})`,
);
console.log(
  `   RSS growth:           ${fleetRounds.map((r) => fmt(r.many.rssGrowthMiB, 1)).join(", ")} MiB (1,000 endpoints, per round)`,
);
console.log(
  `   deliveries/s:         1,000 endpoints ${fleetRounds.map((r) => fmt(r.many.deliveriesPerSecond, 0)).join(", ")}; 1 endpoint ${fleetRounds.map((r) => fmt(r.one.deliveriesPerSecond, 0)).join(", ")}`,
);
console.log(
  `   ratio:                ${fmt(fleetRatio)}x  (median of per-round ratios; goal >= 0.7: ${verdict(fleetRatio >= 0.7)})\n`,
);

// 5. a hanging endpoint with 200 queued deliveries next to a healthy one
const hangingRatio = median(hangingRounds.map((r) => r.ratio));
const worstOpen = Math.max(...hangingRounds.map((r) => r.failuresBeforeOpen));
const allOpened = hangingRounds.every((r) => r.opened);
console.log(
  "5. healthy endpoint alone vs next to a hanging one (200 queued, timeoutMs 500); 50,000 events a phase, alone and beside alternating in one process",
);
console.log(
  `   deliveries/s:         alone ${hangingRounds.map((r) => fmt(r.alone, 0)).join(", ")}; beside ${hangingRounds.map((r) => fmt(r.beside, 0)).join(", ")}`,
);
console.log(
  `   ratio:                ${fmt(hangingRatio)}x  (median of per-phase ratios; goal >= 0.9: ${verdict(hangingRatio >= 0.9)})`,
);
console.log(
  `   breaker:              opened in every phase: ${allOpened}; failures before it opened, at most ${worstOpen} (goal <= 10: ${verdict(allOpened && worstOpen <= 10)})\n`,
);

// 6. the cost of the OpenTelemetry hooks with no SDK registered: the same cases with
// @opentelemetry/api installed (telemetry on, no-op tracer and meter) and made
// unresolvable (no telemetry at all), alternating, median of the per-round ratios.
const blockOtel = ["--require", benchFile("../test/fixtures/block-otel.cjs")];
const otelReceiver = await startReceiver();
const emitRatios = [];
const rateRatios = [];
try {
  // A B, then B A: neither variant always runs first.
  const pair = async (round, file, args) => {
    const a = round % 2 === 0 ? await runCase(file, args) : undefined;
    const b = await runCase(file, args, blockOtel);
    return [a ?? (await runCase(file, args)), b];
  };
  for (let round = 0; round < ROUNDS; round++) {
    const [withApi, withoutApi] = await pair(round, "emit-cost.mjs", ["dispatcher"]);
    emitRatios.push(withApi.nsPerEmit / withoutApi.nsPerEmit);
    const rateArgs = [otelReceiver.url, String(CONNECTIONS), String(SECONDS)];
    const [rateWith, rateWithout] = await pair(round, "throughput.mjs", rateArgs);
    rateRatios.push(rateWith.deliveriesPerSecond / rateWithout.deliveriesPerSecond);
  }
} finally {
  otelReceiver.stop();
}
const emitCost = median(emitRatios);
const rateCost = median(rateRatios);
console.log(
  `6. OpenTelemetry API installed, no SDK registered, against the API not installed (${ROUNDS} alternating rounds, median ratio)`,
);
console.log(
  `   emit cost:            ${fmt(emitCost, 3)}x  (rounds ${emitRatios.map((r) => fmt(r, 3)).join(", ")}; goal <= 1.05: ${verdict(emitCost <= 1.05)})`,
);
console.log(
  `   deliveries/s:         ${fmt(rateCost, 3)}x  (rounds ${rateRatios.map((r) => fmt(r, 3)).join(", ")}; goal >= 0.95: ${verdict(rateCost >= 0.95)})\n`,
);
