// Fleet cases, one per process (run by run.mjs):
//   fleet <baseUrl> <statsUrl> <endpoints> <events>   endpoints on one origin, each gets every event
//   hanging <healthyUrl> <events> <rounds>   a healthy endpoint alone and beside a hanging one, alternating
// Run with --expose-gc so RSS readings are taken after a full collection.
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";
import { approvedData, report, startHangingServer } from "./shared.mjs";

const gc = globalThis.gc ?? (() => {});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `done()` holds or `ms` have passed. */
async function within(ms, done) {
  const deadline = performance.now() + ms;
  while (!done() && performance.now() < deadline) await sleep(10);
}
const [kind, url, ...rest] = process.argv.slice(2);

async function sockets(statsUrl) {
  const response = await fetch(statsUrl);
  return response.json();
}

async function fleet(baseUrl, statsUrl, endpoints, events) {
  const bus = new EventBus();
  const dispatcher = new WebhookDispatcher(bus, [], { logger: null });
  // One endpoint alone gets the socket budget (64 per origin) that 1,000 endpoints share.
  const concurrency = endpoints === 1 ? 64 : 10;
  for (let i = 0; i < endpoints; i++) {
    dispatcher.addEndpoint({
      url: `${baseUrl}/ep/${i}`,
      secret: "whsec_bench",
      concurrency,
      maxQueueSize: events + 1,
    });
  }
  // Warm-up: one round, so JIT and connections are in place before the clock starts.
  bus.emit({ type: "approved", data: approvedData(-1) });
  await dispatcher.flush();
  gc();
  const rssBefore = process.memoryUsage().rss;
  const start = performance.now();
  for (let n = 0; n < events; n++) bus.emit({ type: "approved", data: approvedData(n) });
  await dispatcher.flush();
  const seconds = (performance.now() - start) / 1000;
  gc();
  const rssAfter = process.memoryUsage().rss;
  const stats = dispatcher.stats();
  const server = await sockets(statsUrl);
  const { max: maxSockets, peak: peakSockets } = stats.sockets;
  await dispatcher.close({ deadlineMs: 2000 });
  report({
    endpoints,
    expected: endpoints * (events + 1),
    delivered: stats.delivered,
    failed: stats.failed,
    deliveriesPerSecond: (endpoints * events) / seconds,
    maxSockets,
    peakSockets,
    serverPeakSockets: server.peak,
    rssGrowthMiB: (rssAfter - rssBefore) / 2 ** 20,
  });
}

/** The dispatcher's onAttempt: counts the hanging endpoint's failures while one is attached. */
let countFailures = () => {};

/** Emits `events` approved events and resolves to the healthy endpoint's deliveries/s. */
async function healthyRate(bus, dispatcher, healthy, events) {
  const delivered = () => dispatcher.stats().endpoints.find((e) => e.id === healthy).delivered;
  const before = delivered();
  const start = performance.now();
  for (let n = 0; n < events; n++) bus.emit({ type: "approved", data: approvedData(n) });
  // A stuck delivery ends the case with an error instead of a bench that never finishes.
  const deadline = start + 60_000;
  while (delivered() - before < events) {
    if (performance.now() > deadline)
      throw new Error(`hanging case: ${delivered() - before} of ${events} delivered after 60 s`);
    await sleep(1);
  }
  return events / ((performance.now() - start) / 1000);
}

/**
 * Adds an endpoint on a server that never answers, with 200 deliveries
 * queued, and measures the healthy endpoint beside it. The hanging endpoint
 * is removed afterwards, its deliveries abandoned, so the next phase is alone.
 */
async function besideHanging(bus, dispatcher, healthy, events) {
  const server = await startHangingServer();
  let failuresBeforeOpen = 0;
  let opened = false;
  const stopWatching = dispatcher.events.on("endpoint.circuit_opened", (event) => {
    if (event.data.endpointId === "hanging") opened = true;
  });
  dispatcher.addEndpoint({ id: "hanging", url: server.url, events: ["denied"], timeoutMs: 500 });
  countFailures = (attempt) => {
    if (attempt.endpointId === "hanging" && !attempt.ok && !opened) failuresBeforeOpen++;
  };
  for (let n = 0; n < 200; n++) {
    bus.emit({
      type: "denied",
      data: {
        agent_id: "a",
        action_name: "x",
        risk_score: 0.9,
        risk_level: "high",
        metadata: { n },
      },
    });
  }
  const rate = await healthyRate(bus, dispatcher, healthy, events);
  // Let the hanging endpoint's first attempts time out, so the breaker has its chance.
  await within(3000, () => opened);
  await dispatcher.removeEndpoint("hanging", { drain: false });
  stopWatching();
  countFailures = () => {};
  server.close();
  return { rate, opened, failuresBeforeOpen };
}

/**
 * The healthy endpoint's rate alone and beside a hanging one, alternating
 * in one process (A B, then B A), so JIT state and process-to-process noise
 * do not fall on one side.
 */
async function hanging(healthyUrl, events, rounds) {
  const bus = new EventBus();
  const dispatcher = new WebhookDispatcher(bus, [], {
    logger: null,
    onAttempt: (attempt) => countFailures(attempt),
  });
  // The whole run fits its queue: an evicted event would never count as delivered.
  const healthy = dispatcher.addEndpoint({
    url: healthyUrl,
    events: ["approved"],
    maxQueueSize: events + 1,
  });
  // Warm-up through both phases: the JIT has then compiled the failure paths too, as in a
  // sender that has run for a while (the first failures of a fresh process deoptimise
  // the hot delivery functions once; the README's Benchmarks section has the numbers).
  await healthyRate(bus, dispatcher, healthy, events);
  await besideHanging(bus, dispatcher, healthy, events);
  await sleep(250);
  const results = [];
  for (let round = 0; round < rounds; round++) {
    // Each phase starts on a quiet event loop: what the previous one left (a removed
    // endpoint's dead letters and sockets, timers) must not fall on the next.
    const settled = async (result) => {
      await sleep(250);
      return result;
    };
    const alone = async () => settled(await healthyRate(bus, dispatcher, healthy, events));
    const beside = async () => settled(await besideHanging(bus, dispatcher, healthy, events));
    const first = round % 2 === 0 ? await alone() : await beside();
    const second = round % 2 === 0 ? await beside() : await alone();
    const [aloneRate, besideResult] = round % 2 === 0 ? [first, second] : [second, first];
    results.push({ alone: aloneRate, ...besideResult, beside: besideResult.rate });
  }
  await dispatcher.close({ deadlineMs: 0 });
  report({ rounds: results });
}

if (kind === "fleet") await fleet(url, rest[0], Number(rest[1]), Number(rest[2]));
else if (kind === "hanging") await hanging(url, Number(rest[0]), Number(rest[1]));
else throw new Error(`unknown case ${kind}`);
