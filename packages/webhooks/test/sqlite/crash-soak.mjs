// The crash test, many more times: `pnpm soak:sqlite [--runs=200] [--parallel=4] [--events=1000]`.
// Prints one line per run and a summary; exits 1 on the first problem.
import { checkRun, crashRun } from "./crash-run.mjs";

const args = Object.fromEntries(
  process.argv.slice(2).map((arg) => arg.replace(/^--/, "").split("=")),
);
const RUNS = Number(args.runs ?? 200);
const PARALLEL = Number(args.parallel ?? 4);
const EVENTS = Number(args.events ?? 1000);

let duplicates = 0;
let persisted = 0;
let delivered = 0;
let done = 0;
const started = performance.now();
for (let next = 0; next < RUNS; next += PARALLEL) {
  const batch = Array.from({ length: Math.min(PARALLEL, RUNS - next) }, () =>
    crashRun({ events: EVENTS, timeoutMs: 120_000 }),
  );
  for (const result of await Promise.all(batch)) {
    const check = checkRun(result);
    done++;
    duplicates += check.duplicates;
    persisted += result.persistedUpTo + 1;
    delivered += check.delivered;
    console.log(
      `run ${done}: killed at ${result.phase} (+${result.killedAfterMs} ms), persisted ${result.persistedUpTo + 1}, delivered ${check.delivered}, duplicates ${check.duplicates}`,
    );
    if (check.problems.length > 0) {
      console.error(check.problems.join("\n"));
      process.exit(1);
    }
  }
}
console.log(
  `\n${done} runs in ${((performance.now() - started) / 1000).toFixed(0)} s: ${persisted} events persisted before a kill, all delivered; ${delivered} delivered in all; ${duplicates} duplicates, every one in flight at its kill.`,
);
