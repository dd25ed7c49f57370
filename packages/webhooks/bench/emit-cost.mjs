// Case 1: ns per bus.emit, either with no dispatcher ("baseline") or with a
// dispatcher whose only endpoint hangs ("dispatcher"), so every emit pays the
// enqueue plus the drop-oldest eviction of a full queue: the worst case.
import { EventBus } from "@attesta/events";
import { WebhookDispatcher } from "@attesta/webhooks";
import { approvedData, median, report, startHangingServer } from "./shared.mjs";

const mode = process.argv[2];
const ROUNDS = 7;
const PER_ROUND = 1_000_000;

const bus = new EventBus();
let dispatcher;
let server;
if (mode === "dispatcher") {
  server = await startHangingServer();
  dispatcher = new WebhookDispatcher(bus, [{ url: server.url, timeoutMs: 600_000 }], {
    logger: null,
  });
} else if (mode !== "baseline") {
  throw new Error(`unknown mode ${mode}`);
}

const data = approvedData(0);
const emitMany = (count) => {
  for (let i = 0; i < count; i++) bus.emit({ type: "approved", data });
};

// Warm up the JIT, and (with a dispatcher) fill the queue and let workers start and hang.
emitMany(200_000);
await new Promise((resolve) => setTimeout(resolve, 200));
emitMany(200_000);

const nsPerEmit = [];
for (let round = 0; round < ROUNDS; round++) {
  const started = process.hrtime.bigint();
  emitMany(PER_ROUND);
  nsPerEmit.push(Number(process.hrtime.bigint() - started) / PER_ROUND);
  await new Promise((resolve) => setImmediate(resolve));
}

const stats = dispatcher?.stats();
if (dispatcher !== undefined) await dispatcher.close({ deadlineMs: 0 });
server?.close();
report({
  mode,
  nsPerEmit: median(nsPerEmit),
  rounds: nsPerEmit,
  dropped: stats?.dropped,
  queued: stats?.queued,
});
