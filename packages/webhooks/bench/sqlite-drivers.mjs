// SqliteStore on node:sqlite against SqliteStore on better-sqlite3, side by side on
// the store's workload, in alternating rounds (each case in a fresh process, the
// driver chosen through ATTESTA_SQLITE_DRIVER), medians per driver and the median
// of per-round ratios node:sqlite / better-sqlite3:
//   persisted events/s (store level, endpoint down; sqlite-store.mjs --only=persisted),
//   emit cost (ns per bus.emit, hanging endpoint) and deliveries/s (sqlite-dispatcher.mjs).
// Needs a Node.js where both load (22.13+/24 with better-sqlite3 built for it).
// Usage: node bench/sqlite-drivers.mjs [--rounds=3] [--seconds=3] [--connections=10]
import { runCase, startReceiver } from "./processes.mjs";
import { median } from "./shared.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => arg.replace(/^--/, "").split("=")),
);
const ROUNDS = Number(args.rounds ?? 3);
const SECONDS = args.seconds ?? "3";
const CONNECTIONS = args.connections ?? "10";
const DRIVERS = ["node:sqlite", "better-sqlite3"];

/** Runs a case file with the store on `driver` (child processes inherit the variable). */
function onDriver(driver, file, caseArgs) {
  process.env.ATTESTA_SQLITE_DRIVER = driver;
  return runCase(file, caseArgs);
}

const figures = {
  "persisted events/s": async (driver) =>
    (
      await onDriver(driver, "sqlite-store.mjs", [
        "--only=persisted",
        "--rounds=1",
        "--bare=no",
        "--burst=1000",
      ])
    ).persistedPerSecond,
  "emit ns (lower is better)": async (driver) =>
    (await onDriver(driver, "sqlite-dispatcher.mjs", ["emit", "sqlite"])).nsPerEmit,
  "deliveries/s": async (driver, receiver) =>
    (
      await onDriver(driver, "sqlite-dispatcher.mjs", [
        "throughput",
        "sqlite",
        receiver.url,
        CONNECTIONS,
        SECONDS,
      ])
    ).deliveriesPerSecond,
};

console.log(`SqliteStore drivers side by side (node ${process.version}, ${ROUNDS} rounds)\n`);
const receiver = await startReceiver();
const result = {};
try {
  for (const [name, measure] of Object.entries(figures)) {
    const series = Object.fromEntries(DRIVERS.map((driver) => [driver, []]));
    for (let round = 0; round < ROUNDS; round++)
      for (const driver of round % 2 === 0 ? DRIVERS : [...DRIVERS].reverse())
        series[driver].push(await measure(driver, receiver));
    const [a, b] = DRIVERS.map((driver) => series[driver]);
    const ratio = median(a.map((value, i) => value / b[i]));
    result[name] = { ...series, ratio };
    const show = (values) =>
      `${median(values).toFixed(1)} (rounds ${values.map((v) => v.toFixed(1)).join(", ")})`;
    console.log(name);
    for (const driver of DRIVERS) console.log(`   ${driver.padEnd(16)}${show(series[driver])}`);
    console.log(`   node:sqlite / better-sqlite3: ${ratio.toFixed(2)}\n`);
  }
} finally {
  receiver.stop();
}
console.log(`RESULT ${JSON.stringify(result)}`);
