// A dispatcher process on a SqliteStore file, for the crash tests. Built
// package only (run `pnpm build` first).
// Usage: node crash-sender.mjs <send|resume> <db path> <receiver url> [events]
//   send:   emits <events> events in small bursts; after each burst prints
//           "P <n>" once persisted() says events 0..n are on disk.
//   resume: delivers what the file holds, closes and prints "DONE".
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";
import { SqliteStore } from "@attesta/webhooks/sqlite";

const [mode, path, url, total = "400"] = process.argv.slice(2);
const bus = new EventBus();
const dispatcher = new WebhookDispatcher(
  bus,
  [
    {
      id: "receiver",
      url,
      secret: "whsec_crash",
      concurrency: 4,
      retryCount: 20,
      retryBaseDelayMs: 10,
      retryMaxDelayMs: 100,
      timeoutMs: 5000,
      maxQueueSize: 100_000,
      overflow: "drop-newest",
    },
  ],
  { store: new SqliteStore({ path }), logger: null },
);
const write = (line) => process.stdout.write(`${line}\n`);

if (mode === "send") {
  write("READY");
  const BURST = 25;
  for (let n = 0; n < Number(total); ) {
    const last = Math.min(n + BURST, Number(total)) - 1;
    for (; n <= last; n++) {
      bus.emit({
        type: "approved",
        data: {
          agent_id: "crash",
          action_name: "deploy",
          risk_score: 0.1,
          risk_level: "low",
          metadata: { n },
        },
      });
    }
    await dispatcher.persisted();
    write(`P ${last}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await dispatcher.flush();
  write("IDLE");
  setInterval(() => {}, 1000);
} else if (mode === "resume") {
  await dispatcher.flush();
  await dispatcher.close();
  write("DONE");
} else {
  throw new Error(`unknown mode ${mode}`);
}
