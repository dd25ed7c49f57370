// Case 2a: deliveries per second from WebhookDispatcher to the receiver
// (run by run.mjs in its own process) with `connections` concurrent requests.
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";
import { approvedData, report } from "./shared.mjs";

const [url, connections, seconds] = [
  process.argv[2],
  Number(process.argv[3]),
  Number(process.argv[4]),
];
const bus = new EventBus();
const dispatcher = new WebhookDispatcher(
  bus,
  [{ url, concurrency: connections, secret: "whsec_bench" }],
  {
    logger: null,
  },
);

let n = 0;
// Keep the queue topped up every millisecond. A few thousand queued events are
// plenty to keep every connection busy; a deeper queue would only measure how
// fast V8 promotes waiting events to the old generation.
const feed = () => {
  const { queued } = dispatcher.stats();
  for (let i = queued; i < 2000; i++) bus.emit({ type: "approved", data: approvedData(n++) });
};
feed();
const feeder = setInterval(feed, 1);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
await sleep(2000); // warm-up: JIT, connections
const start = { at: performance.now(), delivered: dispatcher.stats().delivered };
await sleep(seconds * 1000);
const end = { at: performance.now(), delivered: dispatcher.stats().delivered };
clearInterval(feeder);
const { failed } = dispatcher.stats();
await dispatcher.close({ deadlineMs: 2000 });
report({
  deliveriesPerSecond: ((end.delivered - start.delivered) * 1000) / (end.at - start.at),
  failed,
});
