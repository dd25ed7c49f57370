// Runs one benchmark case and prints one JSON line. run.mjs starts every case
// in its own process so compiled-code state from one case cannot leak into
// the next.
//
//   node bench/case.mjs <library> <emit|emitAsync-async|emitAsync-plain> <listeners>
import { performance } from "node:perf_hooks";
import { setting } from "./cases.mjs";

const [library, scenario, listenersArg] = process.argv.slice(2);
const listeners = Number(listenersArg);

const TYPES = [
  "risk_scored",
  "trust_computed",
  "challenge_issued",
  "challenge_completed",
  "approved",
  "denied",
  "escalated",
  "audit_logged",
];

// One stamped event object per type, shared by every library: the cost of
// building events is not part of what is measured.
const EVENTS = TYPES.map((type, i) => ({
  type,
  data: {
    agent_id: `agent-${i}`,
    action_name: "deploy_service",
    risk_score: 0.1 * i,
    risk_level: i < 4 ? "low" : "high",
  },
  timestamp: Date.now(),
}));

let sink = 0;
// Distinct closures (not one function registered N times), as real
// subscribers would be.
function makeSyncHandler(k) {
  return (event) => {
    sink = (sink + event.timestamp + k) | 0;
  };
}
function makeAsyncHandler(k) {
  return async (event) => {
    sink = (sink + event.timestamp + k) | 0;
  };
}

async function setup() {
  // "emitAsync-async": async handlers; "emitAsync-plain": plain handlers through emitAsync.
  if (!["emit", "emitAsync-async", "emitAsync-plain"].includes(scenario))
    throw new Error(`unknown scenario ${scenario}`);
  const makeHandler = scenario === "emitAsync-async" ? makeAsyncHandler : makeSyncHandler;
  const awaited = scenario.startsWith("emitAsync");
  switch (library) {
    case "@attesta/events": {
      const { EventBus } = await import("@attesta/events");
      const bus = new EventBus();
      for (const type of TYPES) for (let k = 0; k < listeners; k++) bus.on(type, makeHandler(k));
      if (awaited) {
        return async (n) => {
          for (let i = 0; i < n; i++) await bus.emitAsync(EVENTS[i & 7]);
        };
      }
      return (n) => {
        for (let i = 0; i < n; i++) bus.emit(EVENTS[i & 7]);
      };
    }
    case "eventemitter3": {
      const { default: EventEmitter } = await import("eventemitter3");
      const ee = new EventEmitter();
      for (const type of TYPES) for (let k = 0; k < listeners; k++) ee.on(type, makeHandler(k));
      return (n) => {
        for (let i = 0; i < n; i++) {
          const event = EVENTS[i & 7];
          ee.emit(event.type, event);
        }
      };
    }
    case "mitt": {
      const { default: mitt } = await import("mitt");
      const bus = mitt();
      for (const type of TYPES) for (let k = 0; k < listeners; k++) bus.on(type, makeHandler(k));
      return (n) => {
        for (let i = 0; i < n; i++) {
          const event = EVENTS[i & 7];
          bus.emit(event.type, event);
        }
      };
    }
    case "node:events": {
      const { EventEmitter } = await import("node:events");
      const ee = new EventEmitter();
      ee.setMaxListeners(0);
      for (const type of TYPES) for (let k = 0; k < listeners; k++) ee.on(type, makeHandler(k));
      return (n) => {
        for (let i = 0; i < n; i++) {
          const event = EVENTS[i & 7];
          ee.emit(event.type, event);
        }
      };
    }
    case "emittery": {
      const { default: Emittery } = await import("emittery");
      const em = new Emittery();
      for (const type of TYPES) for (let k = 0; k < listeners; k++) em.on(type, makeHandler(k));
      return async (n) => {
        for (let i = 0; i < n; i++) {
          const event = EVENTS[i & 7];
          await em.emit(event.type, event);
        }
      };
    }
    case "bare loop": {
      // Not a library: the least any emitAsync can do (call each handler, wait
      // for the returned promises with one shared callback each, no isolation,
      // no error attribution, and one awaited promise per event, as a caller of
      // any promise-returning emit has). It shows how much of a case is promise
      // work that no bus can remove.
      const done = Promise.resolve();
      const byType = new Map(
        TYPES.map((type) => [type, Array.from({ length: listeners }, (_, k) => makeHandler(k))]),
      );
      return async (n) => {
        for (let i = 0; i < n; i++) {
          const event = EVENTS[i & 7];
          const handlers = byType.get(event.type);
          let pending = 0;
          let resolve;
          const settle = () => {
            if (--pending === 0) resolve?.();
          };
          for (let k = 0; k < handlers.length; k++) {
            const result = handlers[k](event);
            if (result !== undefined && typeof result.then === "function") {
              pending++;
              result.then(settle, settle);
            }
          }
          if (pending > 0) {
            await new Promise((fulfil) => {
              resolve = fulfil;
            });
          } else {
            await done;
          }
        }
      };
    }
    default:
      throw new Error(`unknown library ${library}`);
  }
}

const run = await setup();
const WARMUP_MS = setting("BENCH_WARMUP_MS");
const SAMPLE_MS = setting("BENCH_SAMPLE_MS");
const SAMPLES = setting("BENCH_SAMPLES");

// Grow the batch until one batch takes about 10 ms, so the timer's own cost
// does not show, then warm up and take samples.
let batch = 64;
for (;;) {
  const start = performance.now();
  await run(batch);
  if (performance.now() - start > 10) break;
  batch *= 2;
}
const warmupEnd = performance.now() + WARMUP_MS;
while (performance.now() < warmupEnd) await run(batch);

// Rates per wall-clock second and per CPU second of this process. On a busy
// machine other processes steal wall time but not CPU time, so the CPU rate
// is the steadier of the two.
const wallRates = [];
const cpuRates = [];
for (let s = 0; s < SAMPLES; s++) {
  let ops = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < SAMPLE_MS) {
    await run(batch);
    ops += batch;
    elapsed = performance.now() - start;
  }
  const cpu = process.cpuUsage(cpuStart);
  wallRates.push((ops / elapsed) * 1000);
  cpuRates.push((ops / (cpu.user + cpu.system)) * 1e6);
}
const median = (values) => values.sort((a, b) => a - b)[values.length >> 1];
process.stdout.write(
  `${JSON.stringify({ library, scenario, listeners, wall: median(wallRates), cpu: median(cpuRates), sink: sink & 1 })}\n`,
);
