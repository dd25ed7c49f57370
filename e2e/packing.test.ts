/**
 * Local tarballs, the way a user makes them: `npm pack` and `pnpm pack` in a
 * package folder, and `pnpm lint:package` next to a tarball the user made.
 */
import { execFileSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { childEnv } from "./registry/child-env";
import { runCommand } from "./registry/run-command";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const STEP_TIMEOUT_MS = 240_000;
const temporary: string[] = [];

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "attesta-packing-"));
  temporary.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of temporary.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The pnpm running this test, else `pnpm` from PATH. */
function pnpm(args: string[]): [string, string[]] {
  const execPath = process.env.npm_execpath;
  if (execPath !== undefined && /pnpm\.c?js$/.test(execPath) && existsSync(execPath))
    return [process.execPath, [execPath, ...args]];
  return ["pnpm", args];
}

function packedManifest(tarball: string): Record<string, Record<string, string>> {
  return JSON.parse(
    execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }),
  );
}

describe("npm pack", () => {
  it("refuses in @attesta/webhooks, whose workspace: ranges npm would ship, and says to use pnpm pack", async () => {
    const out = tempDir();
    const failure = await runCommand("npm", ["pack", "--pack-destination", out], {
      cwd: join(root, "packages", "webhooks"),
      env: childEnv(),
      timeoutMs: STEP_TIMEOUT_MS,
    }).then(
      () => undefined,
      (error: unknown) => error as Error,
    );
    expect(failure, "npm pack should have failed").toBeInstanceOf(Error);
    expect(failure?.message).toContain('Unsupported URL Type "workspace:"');
    expect(failure?.message).toContain("npx -y pnpm@10 pack");
    expect(readdirSync(out)).toEqual([]);
  });

  it("builds the package first (prepack), so a tarball is never stale or empty", async () => {
    // A copy of @attesta/events without dist/, laid out like the repository.
    const copy = tempDir();
    const packageDir = join(copy, "packages", "events");
    mkdirSync(join(copy, "scripts"), { recursive: true });
    cpSync(join(root, "tsconfig.base.json"), join(copy, "tsconfig.base.json"));
    cpSync(join(root, "scripts", "prepack.mjs"), join(copy, "scripts", "prepack.mjs"));
    for (const entry of ["src", "package.json", "tsup.config.ts", "tsconfig.json", "LICENSE"])
      cpSync(join(root, "packages", "events", entry), join(packageDir, entry), { recursive: true });
    symlinkSync(join(root, "node_modules"), join(copy, "node_modules"), "dir");
    expect(existsSync(join(packageDir, "dist"))).toBe(false);

    const out = tempDir();
    await runCommand("npm", ["pack", "--pack-destination", out], {
      cwd: packageDir,
      env: childEnv(),
      timeoutMs: STEP_TIMEOUT_MS,
    });
    const [tarball] = readdirSync(out);
    expect(tarball).toMatch(/^attesta-events-.*\.tgz$/);
    const files = execFileSync("tar", ["-tzf", join(out, tarball ?? "")], { encoding: "utf8" });
    expect(files.split("\n")).toEqual(
      expect.arrayContaining([
        "package/dist/index.js",
        "package/dist/index.cjs",
        "package/dist/index.d.ts",
      ]),
    );
  });
});

describe("pnpm pack", () => {
  it("writes a @attesta/webhooks tarball with real version ranges in place of workspace:", async () => {
    const out = tempDir();
    const [command, args] = pnpm([
      "pack",
      "--config.ignore-scripts=true",
      "--pack-destination",
      out,
    ]);
    await runCommand(command, args, {
      cwd: join(root, "packages", "webhooks"),
      env: childEnv(),
      timeoutMs: STEP_TIMEOUT_MS,
    });
    const [tarball] = readdirSync(out);
    const manifest = packedManifest(join(out, tarball ?? ""));
    const events = JSON.parse(
      readFileSync(join(root, "packages", "events", "package.json"), "utf8"),
    ) as { version: string };
    expect(manifest.dependencies?.["@attesta/events"]).toBe(`^${events.version}`);
    expect(JSON.stringify(manifest)).not.toContain("workspace:");
  });
});

describe("pnpm lint:package", () => {
  it("packs into a temporary folder and leaves a tarball the user packed in the package folder alone", async () => {
    const packageDir = join(root, "packages", "events");
    const { version } = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
      version: string;
    };
    const users = join(packageDir, `attesta-events-${version}.tgz`);
    expect(existsSync(users), `${users} exists already; move it away to run this test`).toBe(false);
    writeFileSync(users, "the user's own tarball");
    try {
      const [command, args] = pnpm(["run", "lint:package"]);
      const { stdout } = await runCommand(command, args, {
        cwd: packageDir,
        env: childEnv(),
        timeoutMs: STEP_TIMEOUT_MS,
      });
      expect(stdout).toContain("@attesta/events: packaging checks passed");
      expect(readFileSync(users, "utf8")).toBe("the user's own tarball");
      expect(readdirSync(packageDir).filter((name) => name.endsWith(".tgz"))).toEqual([
        `attesta-events-${version}.tgz`,
      ]);
    } finally {
      rmSync(users, { force: true });
    }
  });
});
