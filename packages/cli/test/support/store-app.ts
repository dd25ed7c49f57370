/**
 * An application writing a real store (fixtures/store-run.mjs in a child
 * process), the receiver it delivers to (both end with the test), and
 * `attesta deliveries list` reading that store back.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { startTestReceiver } from "@attesta/test-support";
import { expect } from "vitest";
import { runCli } from "./cli";

const fixtures = join(dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

/**
 * A receiver on 127.0.0.1 that refuses DENIED with 422 (dead at once) unless
 * `acceptAll`, and records each delivery id. Not 410: that disables the
 * endpoint too, and the store would bring it back disabled in the next run.
 * Closed after the test.
 */
export async function startRefusingReceiver(acceptAll: boolean) {
  const receiver = await startTestReceiver((req, res) => {
    const refuse = !acceptAll && req.headers["x-attesta-event"] === "denied";
    res.writeHead(refuse ? 422 : 204).end();
  }, "/hooks");
  return {
    url: receiver.url,
    /** Each request's delivery id, in arrival order. */
    get ids() {
      return receiver.requests.map((request) => String(request.headers["x-attesta-delivery"]));
    },
  };
}

/**
 * Runs the application to completion on `store` (a SQLite path, or a
 * postgres:// URL with `?schema=`): it emits `events`, waits for `wait`
 * deliveries, closes and returns its stats. Killed after `timeoutMs`.
 */
export async function runStoreApp(
  store: string,
  url: string,
  events: readonly string[],
  wait = 0,
  timeoutMs = 30_000,
) {
  const child = spawn(
    process.execPath,
    [join(fixtures, "store-run.mjs"), store, url, events.join(","), String(wait)],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const [code] = await once(child, "close");
  clearTimeout(timer);
  expect(code, stderr).toBe(0);
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
}

/** `attesta deliveries list --json` on the store `source` names (`--db FILE` or `--pg URL --schema S`), one record per line. */
export async function listDeliveries(source: readonly string[], ...args: string[]) {
  const result = await runCli(["deliveries", "list", ...source, "--json", ...args]);
  expect(result.code, result.stderr).toBe(0);
  return result.stdout
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}
