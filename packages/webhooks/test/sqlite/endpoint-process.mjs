// A dispatcher process on a SqliteStore, for the restart test of endpoints added at run time.
// Usage: node endpoint-process.mjs <add|restore> <path> <url> <secret>
//   add:     adds endpoint "tenant-7" (url, secret) at run time, disables it so that the event
//            it then gets stays pending, waits for the commit, prints READY and waits to be killed.
//   restore: starts with no configs and a `secrets` resolver that knows "tenant-7", enables it
//            (it comes back disabled), waits until nothing is owed, prints RESTORED <json> and
//            exits after close().
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "../../dist/index.js";
import { SqliteStore } from "../../dist/sqlite/index.js";

const [mode, path, url, secret] = process.argv.slice(2);
const bus = new EventBus();
const dispatcher = new WebhookDispatcher(bus, [], {
  store: new SqliteStore({ path, pollIntervalMs: 50 }),
  logger: null,
  secrets: (id) => (mode === "restore" && id === "tenant-7" ? secret : undefined),
});
if (mode === "add") {
  dispatcher.addEndpoint({ id: "tenant-7", url, secret, events: ["approved"] });
  dispatcher.disableEndpoint("tenant-7");
  bus.emit({
    type: "approved",
    data: { agent_id: "agent-7", action_name: "deploy", risk_score: 0.2, risk_level: "low" },
  });
  await dispatcher.persisted();
  const [pending] = dispatcher.deliveries.list({ status: "pending" });
  console.log(`READY ${JSON.stringify({ deliveryId: pending?.id })}`);
  setInterval(() => {}, 1000);
} else {
  const restored = dispatcher.endpoints();
  dispatcher.enableEndpoint("tenant-7");
  const stop = Date.now() + 10_000;
  while (dispatcher.stats().delivered < 1 && Date.now() < stop) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const report = await dispatcher.close({ deadlineMs: 2000 });
  console.log(
    `RESTORED ${JSON.stringify({ restored, delivered: report.stats.delivered, undelivered: report.undelivered.length })}`,
  );
}
