import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { defineConfig } from "vitest/config";

const { version } = JSON.parse(
  readFileSync(new URL("./package.json", import.meta.url), "utf8"),
) as {
  version: string;
};

// The Redis suites spawn worker processes and restart redis-server: they run after the
// timing-sensitive in-process suites, one file at a time, so neither slows the other.
const redisSuites = "test/bullmq/**/*.test.ts";

// The SQLite store's suites (contract, files, crashes, faults, processes) run once per
// driver that loads on this Node.js: node:sqlite on 22.13+/24, better-sqlite3 where its
// native build matches this Node.js ABI. Child processes inherit ATTESTA_SQLITE_DRIVER.
const sqliteSuites = "test/sqlite*.test.ts";
const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
const hasNodeSqlite = major > 22 || (major === 22 && minor >= 13);
const betterSqlite3Loads = (() => {
  try {
    const Database = createRequire(import.meta.url)("better-sqlite3");
    new Database(":memory:").close();
    return true;
  } catch {
    return false;
  }
})();
const sqliteDrivers = [
  ...(hasNodeSqlite ? ["node:sqlite"] : []),
  ...(betterSqlite3Loads ? ["better-sqlite3"] : []),
];
if (sqliteDrivers.length === 0) throw new Error("no SQLite driver loads on this Node.js");

export default defineConfig({
  define: { __ATTESTA_WEBHOOKS_VERSION__: JSON.stringify(version) },
  test: {
    // Real servers, child processes and SQLite files: on a loaded 2-core machine a healthy
    // test can pass 5 s. Each test bounds its own waits; this only stops a stuck one.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ["default", ["json", { outputFile: ".test-results.json" }]],
    projects: [
      {
        extends: true,
        test: {
          name: "dispatcher",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          exclude: [redisSuites, sqliteSuites],
        },
      },
      ...sqliteDrivers.map((driver) => ({
        extends: true as const,
        test: {
          name: `sqlite (${driver})`,
          include: [sqliteSuites],
          env: { ATTESTA_SQLITE_DRIVER: driver },
        },
      })),
      {
        extends: true,
        test: {
          name: "bullmq",
          include: [redisSuites],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
