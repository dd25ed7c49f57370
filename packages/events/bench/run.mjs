// Compares @attesta/events with eventemitter3, mitt, node:events and emittery.
//
// - Every case runs in a fresh child process, so compiled-code state from one
//   case cannot speed up or slow down the next.
// - The event type rotates over the eight pipeline names (a fixed name would
//   let V8 fold the lookup into the loop), and every library dispatches the
//   same stamped event objects.
// - Cases run round-robin for several rounds and each keeps its best round, so
//   a burst of load from other processes hits all libraries alike.
// - Each case reports operations per wall-clock second and per CPU second of
//   its process; ratios use the CPU rate, which other processes on a busy
//   machine cannot steal.
//
//   node bench/run.mjs            all cases
//   node bench/run.mjs emitAsync  only cases whose "scenario library" contains this
//   BENCH_ROUNDS=5 BENCH_SAMPLES=7 BENCH_SAMPLE_MS=300 node bench/run.mjs
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const caseScript = fileURLToPath(new URL("./case.mjs", import.meta.url));
const OURS = "@attesta/events";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

const CASES = [];
for (const listeners of [1, 10]) {
  for (const library of [OURS, "eventemitter3", "mitt", "node:events"]) {
    CASES.push({ scenario: "emit", library, listeners });
  }
}
for (const scenario of ["emitAsync", "emitAsync-sync"]) {
  for (const listeners of [1, 10]) {
    for (const library of [OURS, "emittery", "bare loop"])
      CASES.push({ scenario, library, listeners });
  }
}

const filter = process.argv[2];
const selected = filter
  ? CASES.filter((c) => `${c.scenario} ${c.library}`.includes(filter))
  : CASES;

const format = (rate) => `${(rate / 1e6).toFixed(2)} M/s`;

const best = selected.map(() => undefined);
for (let round = 1; round <= ROUNDS; round++) {
  process.stderr.write(`round ${round}/${ROUNDS}\n`);
  selected.forEach((c, i) => {
    const out = execFileSync(
      process.execPath,
      [caseScript, c.library, c.scenario, String(c.listeners)],
      {
        encoding: "utf8",
      },
    );
    const result = JSON.parse(out.trim().split("\n").at(-1));
    process.stderr.write(
      `  ${`${c.scenario} ×${c.listeners}`.padEnd(14)} ${c.library.padEnd(16)} cpu ${format(result.cpu).padStart(11)}  wall ${format(result.wall).padStart(11)}\n`,
    );
    const kept = best[i];
    best[i] = {
      cpu: Math.max(kept?.cpu ?? 0, result.cpu),
      wall: Math.max(kept?.wall ?? 0, result.wall),
      cpuRounds: [...(kept?.cpuRounds ?? []), result.cpu],
    };
  });
}

console.log(
  `\n@attesta/events benchmark: Node ${process.version}, ${process.platform}/${process.arch}, ` +
    `best of ${ROUNDS} round(s), one fresh process per case\n`,
);
const header = [
  "case",
  "library",
  "ops/CPU-s",
  "ops/wall-s",
  "spread",
  "ours ÷ theirs (CPU)",
  "(wall)",
];
const rows = [];
const groups = new Map();
selected.forEach((c, i) => {
  const key = `${c.scenario} ×${c.listeners}`;
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push({ ...c, ...best[i] });
});
for (const [key, members] of groups) {
  const ours = members.find((m) => m.library === OURS);
  for (const m of members) {
    const spread = `±${((100 * (Math.max(...m.cpuRounds) - Math.min(...m.cpuRounds))) / (2 * m.cpu)).toFixed(0)}%`;
    const isOurs = m === ours;
    rows.push([
      key,
      m.library,
      format(m.cpu),
      format(m.wall),
      spread,
      isOurs ? "" : ours ? `${(ours.cpu / m.cpu).toFixed(2)}×` : "",
      isOurs ? "" : ours ? `${(ours.wall / m.wall).toFixed(2)}×` : "",
    ]);
  }
}
const widths = header.map((h, col) => Math.max(h.length, ...rows.map((r) => r[col].length)));
const line = (cells) => `| ${cells.map((cell, col) => cell.padEnd(widths[col])).join(" | ")} |`;
console.log(line(header));
console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
for (const row of rows) console.log(line(row));
console.log(
  "\nemit: handlers are plain functions; peers use their own emit(type, event).\n" +
    "emitAsync: handlers are async functions; emittery runs `await emitter.emit(type, event)`.\n" +
    "emitAsync-sync: the same, with plain (non-async) handlers.\n" +
    "bare loop: no bus, just the handler calls and one shared callback per returned promise: the\n" +
    "floor set by the handlers' own promises (a ratio near 1 means the bus adds almost nothing).\n" +
    "@attesta/events isolates every handler (try/catch, rejection capture); the sync peers do not.\n" +
    "Ratios above 1 mean @attesta/events is faster. Spread is how far the rounds were apart: re-run\n" +
    "(e.g. BENCH_ROUNDS=5) when it is large, which means other processes were competing for the CPU.",
);
