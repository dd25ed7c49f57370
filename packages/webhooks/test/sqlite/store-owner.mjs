// A process that opens a SqliteStore from the built package, for ownership tests.
// Usage: node store-owner.mjs <hold|try> <path> [events]
//   hold: open, enqueue <events> (default 3), commit, print READY, stay alive until killed.
//   try:  open, print the pending count, close and exit.
// Either prints LOCKED <json> and exits when another process owns the file.
import { randomUUID } from "node:crypto";
import { SqliteStore } from "../../dist/sqlite/index.js";

const [mode, path, events = "3"] = process.argv.slice(2);
const store = new SqliteStore({ path, pollIntervalMs: 50 });
const body = (event) =>
  Buffer.from(JSON.stringify({ event: event.type.toUpperCase(), data: event.data }));
const context = {
  serialize: body,
  render: (event) => ({ body: body(event) }),
  mintId: () => randomUUID(),
  now: () => Date.now(),
  limits: () => ({ maxPending: 100_000, overflow: "drop-newest" }),
  // A body the store could not make is a broken fixture, not a result: fail loudly.
  onUnserializable: (_record, error) => {
    console.error(String(error));
    process.exit(1);
  },
  onCommitError: (error) => console.error(String(error)),
};
try {
  store.open(context);
} catch (error) {
  console.log(
    `LOCKED ${JSON.stringify({ code: error.code, message: error.message, owner: error.owner })}`,
  );
  process.exit(0);
}
if (mode === "hold") {
  for (let n = 0; n < Number(events); n++)
    store.enqueue("a", { type: "approved", timestamp: Date.now(), data: { n } });
  await store.persisted();
  console.log("READY");
  setInterval(() => {}, 1000);
} else {
  console.log(`OPENED ${JSON.stringify({ pending: store.pendingCount("a") })}`);
  await store.close();
}
