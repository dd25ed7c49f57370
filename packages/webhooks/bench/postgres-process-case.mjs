// One dispatcher process on a PostgresStore, for the "2 processes vs 1" figure
// of postgres-store.mjs. Emits <events> events (each routed to every one of the
// <endpoints> endpoints e0…), delivers until its stdin closes, then prints
// "RESULT {cpuSeconds, delivered}": the CPU time of the whole process (its
// database thread included) from before the first emit.
// Usage: node postgres-process-case.mjs <url> <schema> <receiver url> <events> <endpoints>
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";
import { PostgresStore } from "@attesta/webhooks/postgres";
import { approvedData } from "./shared.mjs";

const [url, schema, receiverUrl, events, endpoints] = process.argv.slice(2);
const bus = new EventBus();
const configs = Array.from({ length: Number(endpoints) }, (_, i) => ({
  id: `e${i}`,
  url: receiverUrl,
  secret: "whsec_bench",
  concurrency: 25,
  maxQueueSize: 100_000,
}));
const dispatcher = new WebhookDispatcher(bus, configs, {
  store: new PostgresStore({ connection: url, schema, pollIntervalMs: 200 }),
  logger: null,
});
process.stdout.write("READY\n");
// Every process starts emitting when told, so the runs overlap as they would in production;
// stdin closed first (the runner died): exit, never linger.
const ended = new Promise((resolve) => process.stdin.once("end", resolve));
process.stdin.resume();
const started = await Promise.race([
  new Promise((resolve) => process.stdin.once("data", () => resolve(true))),
  ended.then(() => false),
]);
if (!started) process.exit(1);
const cpu = process.cpuUsage();
for (let n = 0; n < Number(events); n++) {
  bus.emit({ type: "approved", data: approvedData(n) });
  if (n % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
}
await ended;
const used = process.cpuUsage(cpu);
const delivered = dispatcher.stats().delivered;
process.stdout.write(
  `RESULT ${JSON.stringify({ cpuSeconds: (used.user + used.system) / 1e6, delivered })}\n`,
);
await dispatcher.close();
process.exit(0);
