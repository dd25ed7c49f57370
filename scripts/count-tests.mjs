#!/usr/bin/env node
// Sums the vitest JSON reports of every workspace that has a test script and
// prints "N passed, N failed". A workspace that should have tested but left no
// report counts as a failure, so a silently skipped suite cannot look green.
//
//   node scripts/count-tests.mjs               the reports of the last run
//   node scripts/count-tests.mjs --save <run>  keeps them as run <run> (e.g. node-24)
//   node scripts/count-tests.mjs --runs        sums every kept run: one line per run
//                                               and workspace, then the total of all
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const kept = join(root, ".ci-results");
const workspaces = [
  ...readdirSync(join(root, "packages")).map((name) => join("packages", name)),
  "examples",
  "e2e",
].filter((dir) => {
  const manifestPath = join(root, dir, "package.json");
  return existsSync(manifestPath) && JSON.parse(readFileSync(manifestPath, "utf8")).scripts?.test;
});
const keptName = (dir) => `${dir.replaceAll("/", "__")}.json`;

/**
 * Counts one run's reports; `reportOf(dir)` is the report's path. Workspaces in
 * `without` were left out of that run on purpose (.ci/run says which and why).
 */
function count(reportOf, label, without = []) {
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const dir of workspaces) {
    const name = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8")).name;
    if (without.includes(dir)) {
      console.log(`${label}${name}: not part of this run`);
      continue;
    }
    const reportPath = reportOf(dir);
    if (!existsSync(reportPath)) {
      console.log(`${label}${dir}: no test report (counted as 1 failed)`);
      total.failed += 1;
      continue;
    }
    const report = JSON.parse(readFileSync(reportPath, "utf8"));
    // A suite that failed to load has no failed tests but is still a failure.
    const unloaded = report.testResults.filter(
      (file) => file.status === "failed" && file.assertionResults.length === 0,
    ).length;
    total.passed += report.numPassedTests;
    total.failed += report.numFailedTests + unloaded;
    total.skipped += report.numPendingTests + (report.numTodoTests ?? 0);
    console.log(
      `${label}${name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`,
    );
  }
  return total;
}

const line = ({ passed, failed, skipped }) =>
  `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`;
const [mode, run, withoutFlag, withoutList] = process.argv.slice(2);

if (mode === "--save") {
  if (!run) throw new Error("count-tests: --save needs a run name, e.g. --save node-24");
  mkdirSync(join(kept, run), { recursive: true });
  // `--save node-22 --without e2e`: that run left these workspaces out on purpose.
  const without = withoutFlag === "--without" ? (withoutList ?? "").split(",").filter(Boolean) : [];
  writeFileSync(join(kept, run, "without.json"), JSON.stringify(without));
  for (const dir of workspaces) {
    const report = join(root, dir, ".test-results.json");
    if (existsSync(report)) copyFileSync(report, join(kept, run, keptName(dir)));
  }
  process.exit(0);
}

let total;
if (mode === "--runs") {
  const runs = existsSync(kept) ? readdirSync(kept).sort() : [];
  total = { passed: 0, failed: runs.length === 0 ? 1 : 0, skipped: 0 };
  if (runs.length === 0) console.log("no kept runs (counted as 1 failed)");
  for (const name of runs) {
    const withoutPath = join(kept, name, "without.json");
    const without = existsSync(withoutPath) ? JSON.parse(readFileSync(withoutPath, "utf8")) : [];
    const sum = count((dir) => join(kept, name, keptName(dir)), `[${name}] `, without);
    console.log(`[${name}] ${line(sum)}`);
    for (const key of Object.keys(total)) total[key] += sum[key];
  }
  console.log(`all runs (${runs.join(", ")}), summed:`);
} else {
  total = count((dir) => join(root, dir, ".test-results.json"), "");
}
console.log(line(total));
process.exit(total.failed > 0 || total.passed === 0 ? 1 : 0);
