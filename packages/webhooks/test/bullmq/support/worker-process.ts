/**
 * Worker processes for the fault tests: `node fixtures/worker.mjs` runs the
 * built `@attesta/webhooks/bullmq` and talks over stdout lines.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { DistributedEndpointConfig } from "../../../src/bullmq/index";

const script = fileURLToPath(new URL("../fixtures/worker.mjs", import.meta.url));
const built = fileURLToPath(new URL("../../../dist/bullmq/index.js", import.meta.url));

export interface WorkerProcess {
  readonly child: ChildProcess;
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves with the first line matching, or rejects after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

export interface WorkerSpec {
  readonly connection: string;
  readonly prefix: string;
  readonly endpoints: readonly DistributedEndpointConfig[];
  readonly lockDurationMs?: number;
  readonly stalledIntervalMs?: number;
  readonly closeDeadlineMs?: number;
}

/** Starts a worker process and waits for its "ready" line. */
export async function startWorkerProcess(spec: WorkerSpec): Promise<WorkerProcess> {
  if (!existsSync(built)) {
    throw new Error("dist/bullmq/index.js is missing. Fix: run `pnpm build` before these tests.");
  }
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ATTESTA_WORKER_SPEC: JSON.stringify(spec) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  const listeners: (() => void)[] = [];
  let rest = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    const parts = (rest + chunk.toString()).split("\n");
    rest = parts.pop() ?? "";
    lines.push(...parts);
    for (const listener of listeners.slice()) listener();
  });
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => resolve(code)),
  );
  const handle: WorkerProcess = {
    child,
    lines,
    waitForLine: (pattern, timeoutMs = 15_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const found = lines.find((line) => pattern.test(line));
          if (found === undefined) return false;
          clearTimeout(timer);
          listeners.splice(listeners.indexOf(listener), 1);
          resolve(found);
          return true;
        };
        const listener = () => void check();
        const timer = setTimeout(() => {
          listeners.splice(listeners.indexOf(listener), 1);
          reject(new Error(`worker printed no line matching ${pattern} within ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.push(listener);
        check();
      }),
    kill: async (signal) => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
  await handle.waitForLine(/^ready$/);
  return handle;
}
