/**
 * `pnpm demo` run the way CI and a piped terminal see it: a child process
 * whose stdout is not a TTY.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { stripVTControlCharacters } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "./registry/child-env";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const demo = join(root, "examples", "demo", "index.mjs");

/** `pnpm demo` through the pnpm running this test, else `pnpm` from PATH. */
function pnpmDemo(): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm\.c?js$/.test(execPath) && existsSync(execPath))
    return [process.execPath, [execPath, "demo"]];
  return ["pnpm", ["demo"]];
}

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runDemo(
  env: Record<string, string | undefined>,
  [command, args]: [string, string[]] = [process.execPath, [demo]],
): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: root,
      env: { ...childEnv(), NO_COLOR: undefined, FORCE_COLOR: undefined, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // The demo has its own 20 s watchdog; this only guards against a wedged child.
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("pnpm demo", () => {
  let run: DemoRun;
  let rows: string[];

  beforeAll(async () => {
    run = await runDemo({}, pnpmDemo());
    rows = run.stdout.split("\n");
  });

  it("exits 0", () => {
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  });

  it("starts with the demo: the build before it prints nothing when it succeeds", () => {
    // pnpm's own "> attesta-js@ demo" header lines come first; then the demo.
    const printed = rows.filter((row) => row.trim() !== "" && !row.startsWith("> "));
    expect(printed[0]).toBe("Attesta webhook demo");
    expect(run.stdout).not.toMatch(/turbo|Tasks:|Packages in scope/);
  });

  it("names the Express, Koa and Hono receivers", () => {
    for (const framework of ["Express", "Koa", "Hono"]) expect(run.stdout).toContain(framework);
  });

  it("shows APPROVED deliveries acknowledged and verified by the receiver", () => {
    const approved = rows.filter((row) => /\bAPPROVED\b/.test(row) && /\s2\d\d\s/.test(row));
    expect(approved.length).toBeGreaterThanOrEqual(2);
    for (const row of approved) expect(row).toMatch(/✓ verified/);
    expect(approved.some((row) => row.includes("Express"))).toBe(true);
    expect(approved.some((row) => row.includes("Hono"))).toBe(true);
  });

  it("delivers to the Koa Slack endpoint only DENIED and ESCALATED", () => {
    const slack = rows.filter((row) => /\bslack\s+Koa\b/.test(row) && /\s2\d\d\s/.test(row));
    expect(
      slack
        .map((row) => /\b(DENIED|ESCALATED|APPROVED|RISK_SCORED|AUDIT_LOGGED)\b/.exec(row)?.[1])
        .sort(),
    ).toEqual(["DENIED", "ESCALATED"]);
  });

  it("posts each Slack verdict as a Slack message the Koa stand-in checked", () => {
    const messages = rows.filter((row) => row.includes("↳ Slack message:"));
    expect(messages.map((row) => /"(Denied|Escalated):/.exec(row)?.[1]).sort()).toEqual([
      "Denied",
      "Escalated",
    ]);
    const summary = run.stdout.slice(run.stdout.lastIndexOf("Summary"));
    expect(summary).toMatch(/^\s*slack\s+2 Slack messages posted, each signed and within/m);
  });

  it("shows a failed attempt that gets through on retry", () => {
    expect(rows.some((row) => /\s5\d\d\s+1\s/.test(row) && row.includes("will retry"))).toBe(true);
    expect(rows.some((row) => /\s2\d\d\s+[2-9]\s/.test(row) && row.includes("after retry"))).toBe(
      true,
    );
  });

  it("shows the Hono audit receiver accepting the old secret during a rotation", () => {
    expect(
      rows.some(
        (row) => /\baudit\s+Hono\s+200\s/.test(row) && row.includes("verified with the old secret"),
      ),
    ).toBe(true);
  });

  it("shows the forged request answered 401 by each framework", () => {
    const forged = rows.filter((row) => row.includes("✗ forged") && /\s401\s/.test(row));
    expect(forged.map((row) => /\b(Express|Koa|Hono)\b/.exec(row)?.[1]).sort()).toEqual([
      "Express",
      "Hono",
      "Koa",
    ]);
  });

  it("ends with a summary that leaves nothing undelivered", () => {
    const summary = run.stdout.slice(run.stdout.lastIndexOf("Summary"));
    expect(summary).toMatch(/^\s*undelivered\s+0\b/m);
    expect(summary).toMatch(/^\s*delivered\s+(\d+) of \1 deliveries, \1 verified/m);
    expect(summary).toMatch(/^\s*retried\s+[1-9]/m);
    expect(summary).toMatch(/^\s*rejected\s+3 of 3 forged requests answered 401/m);
    expect(summary).toMatch(/^\s*shutdown\s+.*queued 0, in flight 0$/m);
    expect(summary).toMatch(/^\s*emit\s+\d+ events, [\d.]+ ms in total inside bus\.emit\(\)/m);
    expect(summary).toMatch(/^\s*delivery\s+\d+ HTTP attempts, \d+ ms of request time/m);
    expect(summary).toMatch(/^\s*console\s+rerun with ATTESTA_DEMO_KEEP=1 .*cli\.js console --db/m);
  });

  it("kills the sender with SIGKILL while deliveries are pending and resumes them all from the file", () => {
    const killed =
      /killed pid \d+ \(SIGKILL\) after (\d+) events were on disk: .*the file still owes (\d+) \(ledger (\d+), audit (\d+)\)/.exec(
        run.stdout,
      );
    expect(killed, run.stdout).not.toBeNull();
    const [, events, owed, ledger, audit] = (killed ?? []).map(Number);
    // The audit receiver is down at the kill: every one of its deliveries is still owed.
    expect(audit).toBe(events);
    expect(ledger + audit).toBe(owed);
    expect(run.stdout).toContain(`resumed ${owed} pending deliveries`);
    const summary = run.stdout.slice(run.stdout.lastIndexOf("Summary"));
    expect(summary).toMatch(
      new RegExp(`^\\s*recovered\\s+${owed} of ${owed} deliveries pending at the SIGKILL`, "m"),
    );
  });

  it("writes plain text when stdout is not a terminal", () => {
    expect(stripVTControlCharacters(run.stdout)).toBe(run.stdout);
  });

  it("uses colour when FORCE_COLOR asks for it", async () => {
    const coloured = await runDemo({ FORCE_COLOR: "1" });
    expect(coloured.code, coloured.stderr).toBe(0);
    expect(stripVTControlCharacters(coloured.stdout)).not.toBe(coloured.stdout);
  });
});
