/**
 * Install-from-registry test: what a release would publish, published to a
 * real local registry (verdaccio) and installed with npm into fresh projects.
 *
 * Bounded: every command has a timeout, and the registry and all temporary
 * directories are removed in afterAll, also when a step fails.
 *
 * @module
 */
import { spawn } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "./registry/child-env";
import { type PreparedRelease, prepareRelease } from "./registry/prepare-release";
import { runCommand } from "./registry/run-command";
import { type LocalRegistry, startRegistry } from "./registry/start-registry";
import { extractCodeBlocks } from "./support/code-blocks";

const e2eDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(e2eDir, "..");
const fixtures = join(e2eDir, "registry", "fixtures");
const tsc = join(repoRoot, "node_modules", "typescript", "bin", "tsc");
const INSTALL_TIMEOUT_MS = 180_000;
const RUN_TIMEOUT_MS = 60_000;

let tempRoot = "";
let registry: LocalRegistry | undefined;
let release: PreparedRelease;

async function cleanUp(): Promise<void> {
  try {
    await registry?.stop();
  } finally {
    registry = undefined;
    if (tempRoot !== "") rmSync(tempRoot, { recursive: true, force: true, maxRetries: 3 });
  }
}

const TEMP_PREFIX = "attesta-registry-";

/** Removes directories of earlier runs that were killed before afterAll (their owner process is gone). */
function removeOrphanedTempDirs(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(TEMP_PREFIX)) continue;
    const dir = join(tmpdir(), name);
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(join(dir, "owner.pid"), "utf8"));
    } catch {
      continue;
    }
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    rmSync(dir, { recursive: true, force: true });
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

beforeAll(async () => {
  removeOrphanedTempDirs();
  tempRoot = mkdtempSync(join(tmpdir(), TEMP_PREFIX));
  writeFileSync(join(tempRoot, "owner.pid"), String(process.pid));
  try {
    registry = await startRegistry(join(tempRoot, "registry"));
    // Publishing reads this instead of ~/.npmrc; the registry accepts any token.
    const npmrcPath = join(tempRoot, "publish.npmrc");
    writeFileSync(npmrcPath, `${registry.authPrefix}:_authToken=registry-install-test\n`);
    release = await prepareRelease({
      repoRoot,
      workDir: join(tempRoot, "workspace"),
      registryUrl: registry.url,
      npmrcPath,
    });
  } catch (error) {
    const log = registry?.log() ?? "";
    await cleanUp();
    throw log === ""
      ? error
      : new Error(`${String(error)}\n--- verdaccio log\n${log}`, { cause: error });
  }
});

afterAll(cleanUp);

/** A fresh npm project that takes @attesta/* from the local registry and everything else from npm's default. */
function freshProject(name: string): string {
  if (registry === undefined) throw new Error("registry is not running");
  const dir = join(tempRoot, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, "package.json"),
    `${JSON.stringify({ name, version: "1.0.0", private: true }, null, 2)}\n`,
  );
  writeFileSync(join(dir, ".npmrc"), `@attesta:registry=${registry.url}\n`);
  return dir;
}

function npmInstall(dir: string, specs: string[]) {
  return runCommand(
    "npm",
    ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", ...specs],
    // A private cache: no stale @attesta metadata from an earlier run, nothing left behind.
    {
      cwd: dir,
      env: childEnv({ npm_config_cache: join(tempRoot, "npm-cache") }),
      timeoutMs: INSTALL_TIMEOUT_MS,
    },
  );
}

/** The `sh` block of the root README that contains `line`, one command per line. */
function readmeCommands(line: string): string[] {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const block = extractCodeBlocks(readme).find(
    (candidate) => candidate.lang === "sh" && candidate.code.split("\n").includes(line),
  );
  if (block === undefined) throw new Error(`the README has no sh block with the line ${line}`);
  return block.code.split("\n").filter((command) => command.trim() !== "");
}

function shell(dir: string, command: string) {
  return runCommand("bash", ["-euo", "pipefail", "-c", command], {
    cwd: dir,
    env: childEnv({ npm_config_cache: join(tempRoot, "npm-cache"), npm_config_fund: "false" }),
    timeoutMs: INSTALL_TIMEOUT_MS,
  });
}

/** Strict `tsc` as `tsc --init` sets it up for Node, on the given files. */
function typecheck(dir: string, files: string[], emit: boolean) {
  const output = emit ? ["--outDir", "build"] : ["--noEmit"];
  return runCommand(
    process.execPath,
    [
      tsc,
      "--strict",
      "--module",
      "nodenext",
      "--target",
      "es2022",
      "--skipLibCheck",
      ...output,
      ...files,
    ],
    { cwd: dir, timeoutMs: RUN_TIMEOUT_MS },
  );
}

async function fetchPackument(
  name: string,
): Promise<{ versions: Record<string, { dependencies?: Record<string, string> }> }> {
  if (registry === undefined) throw new Error("registry is not running");
  const response = await fetch(new URL(name.replace("/", "%2f"), registry.url), {
    signal: AbortSignal.timeout(10_000),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    versions: Record<string, { dependencies?: Record<string, string> }>;
  };
}

describe("releasing to a registry and installing from it", () => {
  it("plans a patch for every public package from a changeset and bumps them", () => {
    const names = Object.keys(release.versions).sort();
    expect(names).toEqual([
      "@attesta/cli",
      "@attesta/console",
      "@attesta/events",
      "@attesta/verify",
      "@attesta/webhooks",
    ]);
    const planned = release.plannedReleases.filter((entry) => names.includes(entry.name));
    expect(planned.map((entry) => entry.name).sort()).toEqual(names);
    for (const entry of planned) {
      // The test adds a patch for each; changesets pending in the repository may ask for more.
      expect(["patch", "minor", "major"]).toContain(entry.type);
      expect(release.versions[entry.name]).toBe(entry.newVersion);
      expect(entry.newVersion).not.toBe(entry.oldVersion);
    }
  });

  it("publishes internal workspace ranges as semver ranges on the new versions", async () => {
    for (const [name, version] of Object.entries(release.versions)) {
      const packument = await fetchPackument(name);
      const manifest = packument.versions[version];
      expect(manifest, `${name}@${version} is published`).toBeDefined();
      for (const [dep, range] of Object.entries(manifest?.dependencies ?? {})) {
        expect(range, `${name} -> ${dep}`).not.toMatch(/^workspace:/);
        const internal = release.versions[dep];
        if (internal !== undefined) expect(range).toBe(`^${internal}`);
      }
    }
  });

  it("installs @attesta/events alone and runs it from ESM, CommonJS and strict TypeScript", async () => {
    const dir = freshProject("events-consumer");
    await npmInstall(dir, ["@attesta/events"]);

    const nodeModules = join(dir, "node_modules");
    expect(readdirSync(nodeModules).sort()).toEqual([".package-lock.json", "@attesta"]);
    expect(readdirSync(join(nodeModules, "@attesta"))).toEqual(["events"]);
    const installed = JSON.parse(
      readFileSync(join(nodeModules, "@attesta", "events", "package.json"), "utf8"),
    );
    expect(installed.version).toBe(release.versions["@attesta/events"]);

    for (const file of ["esm.mjs", "cjs.cjs", "typed.mts", "typed.cts"]) {
      cpSync(join(fixtures, "events-consumer", file), join(dir, file));
    }
    const esm = await runCommand(process.execPath, ["esm.mjs"], {
      cwd: dir,
      timeoutMs: RUN_TIMEOUT_MS,
    });
    expect(esm.stdout.trim()).toBe("esm ok");
    const cjs = await runCommand(process.execPath, ["cjs.cjs"], {
      cwd: dir,
      timeoutMs: RUN_TIMEOUT_MS,
    });
    expect(cjs.stdout.trim()).toBe("cjs ok");

    // Only the package's own declarations: no @types/node, and its .d.ts files are checked too.
    await runCommand(
      process.execPath,
      [
        tsc,
        "--noEmit",
        "--strict",
        "--skipLibCheck",
        "false",
        "--target",
        "es2022",
        "--lib",
        "es2022,dom",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "typed.mts",
        "typed.cts",
      ],
      { cwd: dir, timeoutMs: RUN_TIMEOUT_MS },
    );
  });

  it("follows the README quickstart in a project made with npm init -y: sender and Express receiver, in TypeScript", async () => {
    if (registry === undefined) throw new Error("registry is not running");
    const dir = join(tempRoot, "quickstart");
    mkdirSync(dir);
    writeFileSync(join(dir, ".npmrc"), `@attesta:registry=${registry.url}\n`);
    const [setup, ...sendingInstalls] = readmeCommands("npm init -y && npm pkg set type=module");
    const [express, expressTypes] = readmeCommands("npm install @attesta/verify express");
    const [koa, koaTypes] = readmeCommands("npm install @attesta/verify koa");
    for (const command of [setup, ...sendingInstalls, express, koa])
      await shell(dir, command ?? "false");
    expect(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).type).toBe("module");

    // A TypeScript project on Node has Node's types; the README's lines add the frameworks' ones.
    await shell(dir, "npm install --save-dev @types/node@20");
    const files = ["sender.ts", "express-receiver.ts", "koa-receiver.ts"];
    for (const file of files) cpSync(join(repoRoot, "examples", file), join(dir, file));
    const untyped = await typecheck(dir, files, false).then(
      () => "",
      (error: unknown) => String(error),
    );
    expect(untyped, "without @types/express and @types/koa").toMatch(/TS7016.*'express'/);
    expect(untyped).toMatch(/TS7016.*'koa'/);
    for (const command of [expressTypes, koaTypes]) await shell(dir, command ?? "false");
    await typecheck(dir, files, true);

    const receiver = spawn(process.execPath, ["build/express-receiver.js"], {
      cwd: dir,
      env: { ...childEnv(), ATTESTA_WEBHOOK_SECRET: "whsec_quickstart", PORT: "0" },
      stdio: ["ignore", "pipe", "inherit"],
    });
    try {
      let printed = "";
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no Listening line: ${printed}`)), 30_000);
        receiver.stdout.setEncoding("utf8").on("data", (chunk: string) => {
          printed += chunk;
          const found = /Listening on (\S+)/.exec(printed)?.[1];
          if (found !== undefined) {
            clearTimeout(timer);
            resolve(found);
          }
        });
      });
      const sent = await runCommand(process.execPath, ["build/sender.js"], {
        cwd: dir,
        env: {
          ...childEnv(),
          ATTESTA_WEBHOOK_URL: url,
          ATTESTA_WEBHOOK_SECRET: "whsec_quickstart",
        },
        timeoutMs: RUN_TIMEOUT_MS,
      });
      expect(sent.stdout).toContain("Sent; 0 undelivered.");
      await expect
        .poll(() => printed, { timeout: 10_000 })
        .toContain("APPROVED issue_refund by agent-billing-7");
    } finally {
      receiver.kill("SIGKILL");
    }
  });

  it("delivers one signed event from @attesta/webhooks through Express, Koa and Hono receivers", async () => {
    const dir = freshProject("receivers");
    writeFileSync(
      join(dir, "package.json"),
      `${JSON.stringify({ name: "receivers", version: "1.0.0", private: true, type: "module" }, null, 2)}\n`,
    );
    await npmInstall(dir, [
      "@attesta/verify",
      "@attesta/webhooks",
      "@attesta/events",
      "express@5",
      "koa@3",
      "hono@4",
      "@hono/node-server@2",
    ]);
    for (const name of ["verify", "webhooks", "events"]) {
      const manifest = JSON.parse(
        readFileSync(join(dir, "node_modules", "@attesta", name, "package.json"), "utf8"),
      );
      expect(manifest.version).toBe(release.versions[`@attesta/${name}`]);
    }

    cpSync(
      join(fixtures, "receivers", "receive-deliveries.mjs"),
      join(dir, "receive-deliveries.mjs"),
    );
    const { stdout } = await runCommand(process.execPath, ["receive-deliveries.mjs"], {
      cwd: dir,
      timeoutMs: RUN_TIMEOUT_MS,
    });
    const report = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as {
      received: Record<
        string,
        {
          payload: { event: string; timestamp: string; data: Record<string, unknown> };
          delivery: string | null;
        }[]
      >;
      rejected: Record<string, number>;
    };

    for (const framework of ["express", "koa", "hono"]) {
      expect(
        report.rejected[framework],
        `${framework} rejects a tampered body`,
      ).toBeGreaterThanOrEqual(400);
      expect(report.rejected[framework], `${framework} rejects a tampered body`).toBeLessThan(500);
      const deliveries = report.received[framework] ?? [];
      expect(deliveries, `${framework} verified exactly one delivery`).toHaveLength(1);
      const [delivery] = deliveries;
      expect(delivery?.payload.event).toBe("APPROVED");
      expect(delivery?.payload.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      expect(delivery?.payload.data).toMatchObject({
        agent_id: "agent-registry",
        action_name: "deploy",
        risk_score: 0.12,
      });
      expect(delivery?.delivery).toEqual(expect.any(String));
    }
  });

  it("installs @attesta/cli and runs its attesta bin from node_modules/.bin", async () => {
    const dir = freshProject("cli-user");
    await npmInstall(dir, ["@attesta/cli"]);
    const bin = join(dir, "node_modules", ".bin", "attesta");
    const version = await runCommand(bin, ["--version"], { cwd: dir, timeoutMs: RUN_TIMEOUT_MS });
    expect(version.stdout.trim()).toBe(release.versions["@attesta/cli"]);
    // The signature of the root README's wire-format example.
    const body =
      '{"event":"APPROVED","timestamp":"2025-06-15T14:32:18.123+00:00","data":{"agent_id":"agent-billing-7","action_name":"issue_refund","risk_score":0.34,"risk_level":"medium"}}';
    const signed = await runCommand(bin, ["sign", "--body", body, "--secret", "whsec_test"], {
      cwd: dir,
      timeoutMs: RUN_TIMEOUT_MS,
    });
    expect(signed.stdout.split("\n")[0]).toBe(
      "X-Attesta-Signature: sha256=158882b962de45c4f9d2606fa9b6a4dce19cc11f006f3ef6a2a0d7f2dad8d445",
    );
  });
});
