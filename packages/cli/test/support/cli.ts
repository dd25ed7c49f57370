/**
 * Runs the built `attesta` bin (the file package.json's `bin` names) in child processes.
 *
 * @module
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
  version: string;
  bin: { attesta: string };
};

/** Absolute path of the built bin. */
export const BIN = join(packageDir, manifest.bin.attesta);
export const VERSION = manifest.version;

/** The environment children get: nothing from the caller that changes colour or secrets. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["NO_COLOR", "FORCE_COLOR", "ATTESTA_WEBHOOK_SECRET"]) delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcessWithoutNullStreams>();
afterEach(() => {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
});

/** Starts `attesta …args`; the child is SIGKILLed after the test if still running. */
export function spawnBin(args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string }) {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: options.env ?? cleanEnv(),
    cwd: options.cwd ?? packageDir,
  });
  running.add(child);
  child.on("exit", () => running.delete(child));
  return child;
}

/** Runs `attesta …args` to completion (killed after 20 s so a hang fails the test). */
export function runCli(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; input?: string | Uint8Array; cwd?: string } = {},
): Promise<RunResult> {
  const child = spawnBin(args, options);
  return new Promise((resolve, reject) => {
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? "");
  });
}

/** A running `attesta listen --json`: its URL and the JSON lines it printed so far. */
export interface Listener {
  url: string;
  port: number;
  /** Every stdout line parsed as JSON, the "listening" line included. */
  lines: Record<string, unknown>[];
  stderr(): string;
  /** Resolves with the n-th delivery record (1-based), or rejects after 10 s. */
  delivery(n: number): Promise<Record<string, unknown>>;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  child: ChildProcessWithoutNullStreams;
}

/** Starts `attesta listen --json --port 0 …args` and waits until it is listening. */
export function startListen(args: string[], env?: NodeJS.ProcessEnv): Promise<Listener> {
  const child = spawnBin(["listen", "--json", "--port", "0", ...args], env ? { env } : {});
  const lines: Record<string, unknown>[] = [];
  let stderr = "";
  let buffered = "";
  const waiters: (() => void)[] = [];
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on("data", (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    for (const part of parts) if (part.trim()) lines.push(JSON.parse(part));
    for (const wake of waiters.splice(0)) wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
    for (const wake of waiters.splice(0)) wake();
  });
  // Resolves once pick() finds something; rejects when the process ends first or after 10 s.
  const waitFor = <T>(pick: () => T | undefined, what: string) =>
    new Promise<T>((resolve, reject) => {
      const fail = (why: string) =>
        reject(new Error(`attesta listen: no ${what} (${why}); stderr: ${stderr}`));
      const timer = setTimeout(() => fail("waited 10 s"), 10_000);
      const check = () => {
        const value = pick();
        if (value !== undefined) {
          clearTimeout(timer);
          resolve(value);
        } else if (exitCode !== undefined) {
          clearTimeout(timer);
          fail(`exited with ${exitCode}`);
        } else waiters.push(check);
      };
      check();
    });
  const deliveries = () => lines.filter((line) => line.type === "delivery");
  return waitFor(() => lines.find((line) => line.type === "listening"), "listening line").then(
    (line) => {
      const url = String(line.url);
      return {
        url,
        port: Number(new URL(url).port),
        lines,
        stderr: () => stderr,
        delivery: (n) => waitFor(() => deliveries()[n - 1], `delivery #${n}`),
        exited,
        child,
      };
    },
  );
}
