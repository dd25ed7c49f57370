// Fleet cases, one per process (run by run.mjs):
//   fleet <baseUrl> <statsUrl> <endpoints> <events>   endpoints on one origin, each gets every event
//   hanging <healthyUrl> <events> <with>   a healthy endpoint, with or without a hanging neighbour
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

async function hanging(healthyUrl, events, withNeighbour) {
  const bus = new EventBus();
  const hangingServer = await startHangingServer();
  let failuresBeforeOpen = 0;
  let opened = false;
  const dispatcher = new WebhookDispatcher(bus, [], {
    logger: null,
    onAttempt: (attempt) => {
      if (attempt.endpointId === "hanging" && !attempt.ok && !opened) failuresBeforeOpen++;
    },
  });
  dispatcher.events.on("endpoint.circuit_opened", (event) => {
    if (event.data.endpointId === "hanging") opened = true;
  });
  const healthy = dispatcher.addEndpoint({ url: healthyUrl, events: ["approved"] });
  if (withNeighbour) {
    dispatcher.addEndpoint({
      id: "hanging",
      url: hangingServer.url,
      events: ["denied"],
      timeoutMs: 500,
    });
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
  }
  const delivered = () => dispatcher.stats().endpoints.find((e) => e.id === healthy).delivered;
  const start = performance.now();
  for (let n = 0; n < events; n++) bus.emit({ type: "approved", data: approvedData(n) });
  while (delivered() < events) await sleep(1);
  const seconds = (performance.now() - start) / 1000;
  // Let the hanging endpoint's first attempts time out, so the breaker has its chance.
  if (withNeighbour) await within(3000, () => opened);
  await dispatcher.close({ deadlineMs: 0 });
  hangingServer.close();
  report({
    deliveriesPerSecond: events / seconds,
    breakerOpened: opened,
    failuresBeforeOpen,
  });
}

if (kind === "fleet") await fleet(url, rest[0], Number(rest[1]), Number(rest[2]));
else if (kind === "hanging") await hanging(url, Number(rest[0]), rest[1] === "with");
else throw new Error(`unknown case ${kind}`);
