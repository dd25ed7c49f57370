// Compares @attesta/events with eventemitter3, mitt, node:events and emittery,
// and prints the bundle sizes the README quotes.
//
// Method, chosen so that one run on a busy 2-core machine still supports a claim:
// - Every case runs in a fresh child process, so compiled-code state from one
//   case cannot speed up or slow down the next.
// - The event type rotates over the eight pipeline names (a fixed name would
//   let V8 fold the lookup into the loop), and every library dispatches the
//   same stamped event objects.
// - Rates are operations per CPU second of the case's process (the median of
//   its samples), which other processes cannot steal the way they steal wall time.
// - Rounds alternate: in each round every case of a scenario runs back to back
//   (@attesta/events first in odd rounds, last in even ones), so a burst of load
//   hits the libraries being compared alike. A ratio is computed per round, from
//   the two rates of that round, and the table reports the median of those
//   per-round ratios with their range. Rates are the median over rounds.
//
//   node bench/run.mjs            all cases
//   node bench/run.mjs emitAsync  only cases whose "<case> <library>" contains this
//   BENCH_ROUNDS=9 node bench/run.mjs
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { OURS, SCENARIOS, setting } from "./cases.mjs";
import { bundleSizes } from "./size.mjs";

const caseScript = fileURLToPath(new URL("./case.mjs", import.meta.url));
const ROUNDS = setting("BENCH_ROUNDS");

const filter = process.argv[2];
const selected = SCENARIOS.map((s) => ({
  ...s,
  libraries: s.libraries.filter((library) => !filter || `${s.name} ${library}`.includes(filter)),
})).filter((s) => s.libraries.length > 0);

const formatRate = (rate) => `${(rate / 1e6).toFixed(rate < 1e6 ? 3 : 2)} M/s`;
const formatRatio = (ratio) => `${ratio.toFixed(2)}×`;
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function runCase(library, scenario, listeners) {
  const out = execFileSync(process.execPath, [caseScript, library, scenario, String(listeners)], {
    encoding: "utf8",
  });
  return JSON.parse(out.trim().split("\n").at(-1));
}

// rates[scenario index][library] = CPU rate per round
const rates = selected.map((s) => Object.fromEntries(s.libraries.map((l) => [l, []])));
for (let round = 1; round <= ROUNDS; round++) {
  process.stderr.write(`round ${round}/${ROUNDS}\n`);
  selected.forEach((s, i) => {
    const order = round % 2 === 1 ? s.libraries : [...s.libraries].reverse();
    for (const library of order) {
      const result = runCase(library, s.scenario, s.listeners);
      rates[i][library].push(result.cpu);
      process.stderr.write(
        `  ${s.name.padEnd(30)} ${library.padEnd(16)} ${formatRate(result.cpu).padStart(12)}\n`,
      );
    }
  });
}

console.log(
  `\n@attesta/events benchmark: Node ${process.version}, ${process.platform}/${process.arch}, ` +
    `${ROUNDS} alternating rounds, one fresh process per case and round\n`,
);
const header = ["case", "library", "ops/CPU-s", "ours ÷ library", "per-round range"];
const rows = [];
selected.forEach((s, i) => {
  const ours = rates[i][OURS];
  for (const library of s.libraries) {
    const theirs = rates[i][library];
    const isOurs = library === OURS;
    const ratios = ours && !isOurs ? ours.map((rate, round) => rate / theirs[round]) : [];
    rows.push([
      s.name,
      library,
      formatRate(median(theirs)),
      ratios.length > 0 ? formatRatio(median(ratios)) : "",
      ratios.length > 0
        ? `${formatRatio(Math.min(...ratios))}–${formatRatio(Math.max(...ratios))}`
        : "",
    ]);
  }
});
printTable(header, rows);
console.log(
  "\nops/CPU-s: operations per CPU second of the case's process, median over the rounds.\n" +
    "ours ÷ library: @attesta/events' rate divided by the library's rate in the same round,\n" +
    "median over the rounds (above 1: @attesta/events is faster); the range is the lowest and\n" +
    "highest per-round ratio. A wide range means other processes were competing for the CPU:\n" +
    "re-run with more rounds (BENCH_ROUNDS=15).\n" +
    "emit: plain handlers; the peers use their own emit(type, event).\n" +
    "emitAsync, async listeners: async handlers; emittery runs `await emitter.emit(type, event)`.\n" +
    "emitAsync, plain listeners: the same with plain (non-async) handlers.\n" +
    "bare loop: no bus, only the handler calls, one shared callback per returned promise and\n" +
    "one awaited promise per event: the least any emitAsync can do (a ratio near 1 means the\n" +
    "bus adds little to that floor).\n" +
    "@attesta/events isolates every handler (try/catch, rejection capture); the sync peers do not.",
);

if (!filter) {
  console.log(
    "\nBundle size: the ESM entry bundled and minified with esbuild, then gzipped (level 9)\n",
  );
  printTable(
    ["library", "min+gzip"],
    (await bundleSizes()).map(({ library, bytes }) => [
      library,
      `${(bytes / 1024).toFixed(2)} KiB`,
    ]),
  );
}

function printTable(head, body) {
  const widths = head.map((h, col) => Math.max(h.length, ...body.map((r) => r[col].length)));
  const line = (cells) => `| ${cells.map((cell, col) => cell.padEnd(widths[col])).join(" | ")} |`;
  console.log(line(head));
  console.log(`| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`);
  for (const row of body) console.log(line(row));
}
