// Case 3: RSS growth after 1,000,000 events emitted to a hanging endpoint, in
// bursts of 10,000 with the event loop turning in between as in a real app.
// Run with --expose-gc so both readings are taken after a full collection.
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";
import { approvedData, report, startHangingServer } from "./shared.mjs";

const TOTAL = 1_000_000;
const BURST = 10_000;
const gc = globalThis.gc ?? (() => {});
const server = await startHangingServer();
const bus = new EventBus();
const dispatcher = new WebhookDispatcher(bus, [{ url: server.url, timeoutMs: 600_000 }], {
  logger: null,
});

const tick = () => new Promise((resolve) => setImmediate(resolve));
// Let the workers connect and hang first, so pools and sockets are in the baseline.
for (let n = 0; n < 100; n++) bus.emit({ type: "approved", data: approvedData(n) });
await new Promise((resolve) => setTimeout(resolve, 300));
gc();
const before = process.memoryUsage().rss;

for (let sent = 0; sent < TOTAL; sent += BURST) {
  for (let n = sent; n < sent + BURST; n++) bus.emit({ type: "approved", data: approvedData(n) });
  await tick();
}
gc();
await tick();
gc();
const after = process.memoryUsage().rss;
const stats = dispatcher.stats();
await dispatcher.close({ deadlineMs: 0 });
server.close();
report({
  rssIncreaseMiB: (after - before) / 2 ** 20,
  queued: stats.queued,
  dropped: stats.dropped,
  inFlight: stats.inFlight,
});
