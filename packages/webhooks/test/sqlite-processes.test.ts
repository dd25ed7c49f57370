import { type ChildProcess, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { SqliteStore } from "../src/sqlite/index";
import { tempDbPath } from "./sqlite/temp-file";
import { parseTagged as parse, startNode } from "./support/child-process";

const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const dist = here("../dist/sqlite/index.js");
if (!existsSync(dist))
  throw new Error('dist/ is missing: run "pnpm --filter @attesta/webhooks build" first');

const children: ChildProcess[] = [];
const start = (args: string[]) => startNode(args, children);
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

const owner = (mode: "hold" | "try", path: string) =>
  start([here("./sqlite/store-owner.mjs"), mode, path]);

describe("SqliteStore across processes", () => {
  it("refuses a second dispatcher process while the owner lives, and hands the file over once it is killed", async () => {
    const path = tempDbPath();
    const holder = await owner("hold", path);
    expect(holder.line).toBe("READY");

    const refused = parse((await owner("try", path)).line, "LOCKED");
    expect(refused.code).toBe("locked");
    expect(refused.owner).toMatchObject({ pid: holder.child.pid });
    expect(String(refused.message)).toContain(path);

    // Reading keeps working next to the owner.
    const inspector = SqliteStore.inspect(path);
    expect(inspector.counts().pending).toBe(3);
    expect(inspector.owner()?.pid).toBe(holder.child.pid);
    inspector.close();

    holder.child.kill("SIGKILL");
    await once(holder.child, "exit");
    // Same host, dead pid: taken over at once, nothing lost.
    expect(parse((await owner("try", path)).line, "OPENED")).toEqual({ pending: 3 });
  });

  it("lets exactly one of two processes that open a new file at once own it", async () => {
    const path = tempDbPath();
    const [a, b] = await Promise.all([owner("hold", path), owner("hold", path)]);
    const lines = [a.line, b.line].map((line) => line.split(" ")[0]).sort();
    expect(lines).toEqual(["LOCKED", "READY"]);
  });
});

describe("loading SQLite", () => {
  const loaded = async (file: string, how: "import" | "require", open = false) => {
    const args = [here("./sqlite/loaded-modules.mjs"), here(file), how, ...(open ? ["open"] : [])];
    const { line } = await start(args);
    return JSON.parse(line) as string[];
  };
  // The driver this project runs the suite on (see vitest.config.ts).
  const driver = process.env.ATTESTA_SQLITE_DRIVER;
  const loadsDriver = (entries: readonly string[]) =>
    driver === "node:sqlite"
      ? entries.includes("builtin:node:sqlite")
      : entries.some((entry) => entry.startsWith("cache:") && entry.includes("better-sqlite3"));

  it("the main entry and the sqlite subpath load neither library at import, as ESM or CommonJS", async () => {
    expect(await loaded("../dist/index.js", "import")).toEqual([]);
    expect(await loaded("../dist/index.cjs", "require")).toEqual([]);
    expect(await loaded("../dist/sqlite/index.js", "import")).toEqual([]);
    expect(await loaded("../dist/sqlite/index.cjs", "require")).toEqual([]);
  });

  it("(control) opening a store loads its driver, so the check above can fail", async () => {
    expect(loadsDriver(await loaded("../dist/sqlite/index.js", "import", true))).toBe(true);
    expect(loadsDriver(await loaded("../dist/sqlite/index.cjs", "require", true))).toBe(true);
  });

  it("importing the subpath and opening a store prints nothing; the application's own warnings still print", () => {
    const run = spawnSync(process.execPath, [here("./sqlite/quiet-open.mjs"), tempDbPath()], {
      encoding: "utf8",
      timeout: 20_000,
    });
    expect(run.stdout).toBe(`DONE ${JSON.stringify({ pending: 1 })}\n`);
    expect(run.stderr).not.toContain("ExperimentalWarning");
    expect(run.stderr).toMatch(/^\(node:\d+\) Warning: the application's own warning\n/);
    expect(run.stderr.trim().split("\n")).toHaveLength(2); // the warning and Node's "--trace-warnings" hint
  });

  it.runIf(driver === "node:sqlite" && process.versions.node.startsWith("22."))(
    "(control) on Node.js 22, node:sqlite loaded directly prints its ExperimentalWarning",
    () => {
      const run = spawnSync(process.execPath, ["-e", 'require("node:sqlite")'], {
        encoding: "utf8",
        timeout: 20_000,
      });
      expect(run.stderr).toContain("ExperimentalWarning: SQLite is an experimental feature");
    },
  );
});
