// Imports the built sqlite subpath, opens a store, persists one event and
// closes it, then emits a warning of its own, as an application would.
// Usage: node quiet-open.mjs <path>   (prints DONE <driver json> on stdout)
import { randomUUID } from "node:crypto";
import { SqliteStore } from "../../dist/sqlite/index.js";

const [path] = process.argv.slice(2);
const store = new SqliteStore({ path });
const body = (event) => Buffer.from(JSON.stringify({ event: event.type, data: event.data }));
store.open({
  serialize: body,
  render: (event) => ({ body: body(event) }),
  mintId: () => randomUUID(),
  now: () => Date.now(),
  limits: () => ({ maxPending: 100, overflow: "drop-newest" }),
  onUnserializable: (_record, error) => {
    console.error(String(error));
    process.exit(1);
  },
  onCommitError: (error) => console.error(String(error)),
});
store.enqueue("a", { type: "approved", timestamp: Date.now(), data: {} });
await store.persisted();
const pending = store.pendingCount("a");
await store.close();
process.emitWarning("the application's own warning");
console.log(`DONE ${JSON.stringify({ pending })}`);
