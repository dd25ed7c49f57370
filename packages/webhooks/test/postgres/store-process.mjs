// A dispatcher process on a PostgresStore, for the multi-process tests. Built
// package only (run `pnpm build` first).
// Usage: node store-process.mjs <database url> <schema> <receiver base url> <process> <events> <leaseMs> [pauseMs]
//   Emits <events> events in bursts of 20; after each burst prints "P <n>"
//   once persisted() says events 0..n are committed, then "SENT", and keeps
//   delivering until killed. Every event goes to endpoints e0, e1
//   (concurrency 2) and e2 (ordered).
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "../../dist/index.js";
import { PostgresStore } from "../../dist/postgres/index.js";

const [connection, schema, base, proc, total, leaseMs, pauseMs = "5"] = process.argv.slice(2);
const bus = new EventBus();
const endpoint = (id, extra) => ({
  id,
  url: `${base}/${id}`,
  secret: "whsec_processes",
  retryCount: 50,
  retryBaseDelayMs: 10,
  retryMaxDelayMs: 200,
  timeoutMs: 5000,
  ...extra,
});
const dispatcher = new WebhookDispatcher(
  bus,
  [
    endpoint("e0", { concurrency: 2 }),
    endpoint("e1", { concurrency: 2 }),
    endpoint("e2", { ordered: true }),
  ],
  {
    store: new PostgresStore({ connection, schema, leaseMs: Number(leaseMs), pollIntervalMs: 200 }),
    logger: null,
  },
);
const write = (line) => process.stdout.write(`${line}\n`);
write("READY");
const BURST = 20;
for (let n = 0; n < Number(total); ) {
  const last = Math.min(n + BURST, Number(total)) - 1;
  for (; n <= last; n++)
    bus.emit({ type: "approved", data: { agent_id: "pg", metadata: { p: Number(proc), n } } });
  try {
    await dispatcher.persisted();
    write(`P ${last}`);
  } catch (error) {
    write(`F ${last} ${error.message}`);
  }
  await new Promise((resolve) => setTimeout(resolve, Number(pauseMs)));
}
write("SENT");
setInterval(() => {}, 1000);
