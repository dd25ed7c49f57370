import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkRun, crashRun } from "./sqlite/crash-run.mjs";

const dist = fileURLToPath(new URL("../dist/sqlite/index.js", import.meta.url));
if (!existsSync(dist))
  throw new Error('dist/ is missing: run "pnpm --filter @attesta/webhooks build" first');

const RUNS = 20;
const PARALLEL = 5;

describe("SqliteStore crash safety with a real dispatcher, receiver and SIGKILL", () => {
  it(`delivers every persisted event after ${RUNS} random kills, under stable ids, repeating only what was in flight`, async () => {
    const results: Awaited<ReturnType<typeof crashRun>>[] = [];
    for (let started = 0; started < RUNS; started += PARALLEL) {
      const batch = Array.from({ length: Math.min(PARALLEL, RUNS - started) }, () =>
        crashRun({ events: 150, timeoutMs: 60_000 }),
      );
      results.push(...(await Promise.all(batch)));
    }
    const checks = results.map(checkRun);
    const problems = checks.flatMap((check, run) => check.problems.map((p) => `run ${run}: ${p}`));
    const duplicates = checks.reduce((sum, check) => sum + check.duplicates, 0);
    const persisted = results.reduce((sum, r) => sum + r.persistedUpTo + 1, 0);
    const phases = results.map((r) => r.phase);
    const stages = new Set(phases.map((phase) => phase.split(" ")[0]));
    console.log(
      `crash runs: ${RUNS}, events persisted before the kill: ${persisted}, duplicates (in flight at the kill): ${duplicates}, kills aimed at: ${phases.join(", ")}`,
    );
    expect(problems.join("\n")).toBe("");
    // The kills landed at different moments (both stages: 2^-19 odds of one only).
    expect(stages).toEqual(new Set(["emitting", "delivering"]));
    expect(new Set(results.map((r) => r.persistedUpTo)).size).toBeGreaterThan(1);
    expect(persisted).toBeGreaterThan(0);
  }, 240_000);
});
