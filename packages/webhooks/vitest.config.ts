import { readFileSync } from "node:fs";
import { defineConfig } from "vitest/config";

const { version } = JSON.parse(
  readFileSync(new URL("./package.json", import.meta.url), "utf8"),
) as {
  version: string;
};

// The Redis suites spawn worker processes and restart redis-server: they run after the
// timing-sensitive in-process suites, one file at a time, so neither slows the other.
const redisSuites = "test/bullmq/**/*.test.ts";

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
          exclude: [redisSuites],
        },
      },
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
