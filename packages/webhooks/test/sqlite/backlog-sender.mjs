// A dispatcher process on a SqliteStore file with default store and queue
// options, for the backlog crash test. Built package only (run `pnpm build`).
// Usage: node backlog-sender.mjs <send|drain> <db path> <receiver url> [from] [count]
//   send:  resumes what the file owes and emits events from..from+count-1 in
//          bursts; after each burst prints "P <n>" once persisted() says
//          every event up to n is on disk, then "EMITTED", and keeps delivering.
//   drain: delivers what the file holds, closes and prints "DONE".
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";
import { SqliteStore } from "@attesta/webhooks/sqlite";

const [mode, path, url, from = "0", count = "0"] = process.argv.slice(2);
const bus = new EventBus();
const dispatcher = new WebhookDispatcher(
  bus,
  // maxQueueSize and overflow left at their defaults (10,000, drop-oldest).
  [{ id: "receiver", url, secret: "whsec_backlog", retryCount: 50, retryMaxDelayMs: 200 }],
  { store: new SqliteStore({ path }), logger: null },
);
const write = (line) => process.stdout.write(`${line}\n`);
const BURST = 500;

if (mode === "send") {
  const end = Number(from) + Number(count);
  for (let n = Number(from); n < end; ) {
    const last = Math.min(n + BURST, end) - 1;
    for (; n <= last; n++) {
      bus.emit({
        type: "approved",
        data: { agent_id: "backlog", action_name: "deploy", metadata: { n } },
      });
    }
    await dispatcher.persisted();
    write(`P ${last}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  write("EMITTED");
  setInterval(() => {}, 1000);
} else if (mode === "drain") {
  await dispatcher.flush();
  await dispatcher.close();
  write("DONE");
} else {
  throw new Error(`unknown mode ${mode}`);
}
