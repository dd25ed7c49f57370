// A mounted, idle console's effect on bus.emit: one dispatcher whose endpoint
// hangs (every emit pays enqueue plus a drop-oldest eviction), rounds that
// alternate without and with a console mounted on a listening server over
// that dispatcher. Prints the median ns per emit of each and their ratio.
import { createServer } from "node:http";
import { createConsole, nodeListener } from "@attesta/console";
import { EventBus } from "@attesta/events";
import { dispatcherAdmin, WebhookDispatcher } from "@attesta/webhooks";

const ROUNDS = Number(process.env.ROUNDS ?? 10);
const PER_ROUND = Number(process.env.PER_ROUND ?? 300_000);

const hanging = createServer(() => {});
await new Promise((resolve) => hanging.listen(0, "127.0.0.1", resolve));
const bus = new EventBus();
const dispatcher = new WebhookDispatcher(
  bus,
  [{ url: `http://127.0.0.1:${hanging.address().port}/hook`, timeoutMs: 600_000 }],
  { logger: null },
);
const data = { agent_id: "agent-7", action_name: "deploy", risk_score: 0.2, risk_level: "low" };
const emitMany = (count) => {
  for (let i = 0; i < count; i++) bus.emit({ type: "approved", data });
};

async function mountConsole() {
  const console = createConsole({
    source: dispatcherAdmin(dispatcher),
    operatorToken: "bench-operator-token-0123456789",
  });
  const server = createServer(nodeListener(console));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  // One request, so the console is really serving, then idle.
  await fetch(`http://127.0.0.1:${server.address().port}/api/session`, {
    headers: { authorization: "Bearer bench-operator-token-0123456789" },
  });
  return server;
}

emitMany(200_000);
await new Promise((resolve) => setTimeout(resolve, 200));
const ns = { without: [], with: [] };
for (let round = 0; round < ROUNDS * 2; round++) {
  // Pairs alternate their order (without-with, with-without), so neither side always runs second.
  const mounted = round % 4 === 1 || round % 4 === 2 ? await mountConsole() : undefined;
  await new Promise((resolve) => setTimeout(resolve, 20));
  const started = process.hrtime.bigint();
  emitMany(PER_ROUND);
  (mounted ? ns.with : ns.without).push(Number(process.hrtime.bigint() - started) / PER_ROUND);
  if (mounted) await new Promise((resolve) => mounted.close(resolve));
}
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
// Pair i is rounds 2i and 2i+1: one without, one with, in either order.
const ratios = ns.with.map((value, i) => value / ns.without[i]);
await dispatcher.close({ deadlineMs: 0 });
hanging.closeAllConnections();
hanging.close();
console.log(
  `RESULT ${JSON.stringify({
    nsPerEmitWithout: median(ns.without),
    nsPerEmitWith: median(ns.with),
    medianRatio: median(ratios),
    ratioOfMedians: median(ns.with) / median(ns.without),
    rounds: ROUNDS,
  })}`,
);
const GOAL_RATIO = 1.02;
const ratio = median(ns.with) / median(ns.without);
console.log(
  `idle mounted console vs emit cost: ratio of medians ${ratio.toFixed(3)}, goal ≤ ${GOAL_RATIO}: ${ratio <= GOAL_RATIO ? "MET" : "MISSED"}`,
);
if (ratio > GOAL_RATIO) process.exitCode = 1;
