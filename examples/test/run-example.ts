/**
 * Starts an example as its own process, the way a reader would run it, and
 * waits for it to say where it listens.
 *
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const examplesDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/** How to start an example file: TypeScript through tsx, Python through python3. */
export function commandFor(file: string): [string, string[]] {
  if (file.endsWith(".py")) return ["python3", [join(examplesDir, file)]];
  return [process.execPath, ["--import", "tsx", join(examplesDir, file)]];
}

export interface RunningExample {
  /** The URL the example printed in its `Listening on …` line. */
  url: string;
  /** Everything written to stdout so far, line by line. */
  lines: string[];
  /** Resolves once stdout has a line matching `pattern`, or rejects after `timeoutMs`. */
  waitForLine(pattern: RegExp, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/**
 * Spawns a long-running example (a receiver) on an ephemeral port and
 * resolves with the URL it prints.
 */
export async function startExample(
  file: string,
  env: Record<string, string>,
): Promise<RunningExample> {
  const [command, args] = commandFor(file);
  const child = spawn(command, args, {
    cwd: examplesDir,
    env: { ...process.env, ...env, PORT: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  let stderr = "";
  const waiters = new Set<() => void>();
  let pending = "";
  child.stdout.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split("\n");
    pending = complete.pop() ?? "";
    lines.push(...complete);
    for (const wake of waiters) wake();
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      resolve();
      for (const wake of waiters) wake();
    }),
  );

  function waitForLine(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = lines.find((line) => pattern.test(line));
        if (found !== undefined) return done(() => resolve(found));
        if (child.exitCode !== null || child.signalCode !== null) {
          return done(() =>
            reject(
              new Error(
                `${file} exited (${child.exitCode ?? child.signalCode}) before printing ${pattern}\n${describe()}`,
              ),
            ),
          );
        }
      };
      const timer = setTimeout(
        () =>
          done(() =>
            reject(
              new Error(
                `${file} printed no line matching ${pattern} within ${timeoutMs} ms\n${describe()}`,
              ),
            ),
          ),
        timeoutMs,
      );
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });
  }

  const describe = () => `stdout:\n${lines.join("\n")}${pending}\nstderr:\n${stderr}`;

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };

  try {
    const listening = await waitForLine(/Listening on (http:\/\/127\.0\.0\.1:\d+\S*)/);
    const url = /Listening on (\S+)/.exec(listening)?.[1] ?? "";
    return { url, lines, waitForLine, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Runs an example that finishes by itself (the sender) and collects its output. */
export function runExample(
  file: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; output: string }> {
  const [command, args] = commandFor(file);
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(command, args, {
      cwd: examplesDir,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
