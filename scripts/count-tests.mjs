#!/usr/bin/env node
// Sums the vitest JSON reports of every workspace that has a test script and
// prints "N passed, N failed". A workspace that should have tested but left no
// report counts as a failure, so a silently skipped suite cannot look green.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const workspaces = [
  ...readdirSync(join(root, "packages")).map((name) => join("packages", name)),
  "examples",
  "e2e",
];

let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];

for (const dir of workspaces) {
  const manifestPath = join(root, dir, "package.json");
  if (!existsSync(manifestPath)) continue;
  const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
  if (!manifest.scripts?.test) continue;
  const reportPath = join(root, dir, ".test-results.json");
  if (!existsSync(reportPath)) {
    missing.push(dir);
    continue;
  }
  const report = JSON.parse(readFileSync(reportPath, "utf8"));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  // A suite that failed to load has no failed tests but is still a failure.
  failed += report.testResults.filter(
    (file) => file.status === "failed" && file.assertionResults.length === 0,
  ).length;
  console.log(`${manifest.name}: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
}

for (const dir of missing) console.log(`${dir}: no test report (counted as 1 failed)`);
failed += missing.length;

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
