import { spawnSync } from "node:child_process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const hooks = pathToFileURL(
  fileURLToPath(new URL("./fixtures/deny-queue-modules.mjs", import.meta.url)),
).href;
const dist = (path: string) =>
  pathToFileURL(fileURLToPath(new URL(`../../dist/${path}`, import.meta.url))).href;

/** Imports `entry` in a fresh Node with bullmq and ioredis forbidden; returns the exit status. */
function importWithoutQueueModules(entry: string): { status: number | null; stderr: string } {
  const register = `import { register } from "node:module"; register(${JSON.stringify(hooks)});`;
  const result = spawnSync(
    process.execPath,
    [
      "--import",
      `data:text/javascript,${encodeURIComponent(register)}`,
      "--input-type=module",
      "-e",
      `await import(${JSON.stringify(entry)});`,
    ],
    { encoding: "utf8", timeout: 20_000 },
  );
  return { status: result.status, stderr: result.stderr };
}

describe("@attesta/webhooks entry points", () => {
  it("the main entry never loads bullmq or ioredis", () => {
    expect(importWithoutQueueModules(dist("index.js"))).toMatchObject({ status: 0 });
    // A fresh Node can take seconds to start on a busy machine: the child's own limit applies.
  }, 30_000);

  it("the bullmq subpath does load them (so the check above can fail)", () => {
    const result = importWithoutQueueModules(dist("bullmq/index.js"));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/loaded (bullmq|ioredis)/);
  }, 30_000);
});
