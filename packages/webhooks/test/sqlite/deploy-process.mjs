// One process of a deploy on a SqliteStore file, for the deploy test.
// Usage: node deploy-process.mjs <before|after> <path> <url> <count>
//   before: emits <count> approvals to endpoint "billing" (its receiver is down), waits until they
//           are persisted, prints OWED <json>, and on SIGTERM closes with deadlineMs 1000 and prints
//           CLOSED <json> (the close report's counts and the dead letters it made) before exiting.
//   after:  opens the same file with the same endpoint, waits until nothing is owed (30 s at
//           most), closes and prints AFTER <json>.
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "../../dist/index.js";
import { SqliteStore } from "../../dist/sqlite/index.js";

const [mode, path, url, countText] = process.argv.slice(2);
const count = Number(countText);
const bus = new EventBus();
const dead = [];
const dispatcher = new WebhookDispatcher(
  bus,
  [{ id: "billing", url, secret: "whsec_deploy-3f9a", concurrency: 4, timeoutMs: 20_000 }],
  {
    store: new SqliteStore({ path }),
    logger: null,
    onDeadLetter: (letter) => dead.push(letter.deliveryId),
  },
);

if (mode === "before") {
  for (let n = 0; n < count; n++) {
    bus.emit({
      type: "approved",
      data: { agent_id: "agent-7", action_name: "deploy", risk_score: 0.2, risk_level: "low", n },
    });
  }
  await dispatcher.persisted();
  const { queued, inFlight } = dispatcher.stats();
  console.log(`OWED ${JSON.stringify({ owed: queued + inFlight })}`);
  const keepAlive = setInterval(() => {}, 1000);
  process.once("SIGTERM", async () => {
    const report = await dispatcher.close({ deadlineMs: 1000 });
    clearInterval(keepAlive);
    const { kept, timedOut, undelivered } = report;
    console.log(
      `CLOSED ${JSON.stringify({ kept, timedOut, undelivered: undelivered.length, dead: dead.length })}`,
    );
  });
} else {
  const stop = Date.now() + 30_000;
  while (dispatcher.stats().queued + dispatcher.stats().inFlight > 0 && Date.now() < stop) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const report = await dispatcher.close({ deadlineMs: 2000 });
  const { delivered } = report.stats;
  console.log(
    `AFTER ${JSON.stringify({ delivered, kept: report.kept, undelivered: report.undelivered.length, dead: dead.length })}`,
  );
}
