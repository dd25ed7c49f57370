// One dispatcher process for the "2 processes vs 1" figures of
// postgres-processes.mjs, on a PostgresStore (in <schema>) or, for the control
// without a database, on the memory store. Every event is routed to each of
// the <endpoints> endpoints e0… . Lines on stdin drive it:
//   "warm": emits <warm> events, so JIT, sockets and statements are warm;
//   "go": starts the CPU clock and emits <events> events.
// While it runs it prints "D <n>" whenever the deliveries it made change (the
// runner stops when every process's sum is reached, without querying the
// database); once stdin closes it prints "RESULT {cpuSeconds, delivered}": the
// CPU time of the whole process (its database thread included) and the
// deliveries it made, both since "go".
// Usage: node postgres-process-case.mjs <postgres|memory> <url> <schema> <receiver url>
//   <events> <endpoints> <warm>
import { createInterface } from "node:readline";
import { EventBus } from "@attesta/events";
import { MemoryStore, WebhookDispatcher } from "@attesta/webhooks";
import { PostgresStore } from "@attesta/webhooks/postgres";
import { approvedData } from "./shared.mjs";

const [kind, url, schema, receiverUrl, events, endpoints, warm] = process.argv.slice(2);
const bus = new EventBus();
const configs = Array.from({ length: Number(endpoints) }, (_, i) => ({
  id: `e${i}`,
  url: receiverUrl,
  secret: "whsec_bench",
  concurrency: 25,
  maxQueueSize: 100_000,
}));
const store =
  kind === "memory"
    ? new MemoryStore()
    : new PostgresStore({ connection: url, schema, pollIntervalMs: 200 });
const dispatcher = new WebhookDispatcher(bus, configs, { store, logger: null });

let shown = -1;
const report = setInterval(() => {
  const { delivered } = dispatcher.stats();
  if (delivered !== shown) process.stdout.write(`D ${delivered}\n`);
  shown = delivered;
}, 25);

async function emit(count, from) {
  for (let n = 0; n < count; n++) {
    bus.emit({ type: "approved", data: approvedData(from + n) });
    if (n % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
  }
}

let cpu;
let before = 0;
// Stdin closed (the runner is done or died): report and exit, never linger.
const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  if (line === "warm") void emit(Number(warm), 0);
  else if (line === "go") {
    cpu = process.cpuUsage();
    before = dispatcher.stats().delivered;
    void emit(Number(events), Number(warm));
  }
});
lines.on("close", async () => {
  if (cpu === undefined) process.exit(1);
  const used = process.cpuUsage(cpu);
  clearInterval(report);
  const delivered = dispatcher.stats().delivered - before;
  const cpuSeconds = (used.user + used.system) / 1e6;
  process.stdout.write(`RESULT ${JSON.stringify({ cpuSeconds, delivered })}\n`);
  await dispatcher.close();
  process.exit(0);
});
process.stdout.write("READY\n");
