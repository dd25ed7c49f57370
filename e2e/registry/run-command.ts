/**
 * Bounded child processes for the registry test.
 *
 * @module
 */
import { spawn } from "node:child_process";

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  /** The process group is killed after this long; the promise then rejects. */
  timeoutMs: number;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

/**
 * Runs a command to completion in its own process group, so a timeout kills
 * everything it started (npm and pnpm spawn their own children).
 *
 * Rejects with the command line and its captured output when it exits
 * non-zero or runs out of time.
 *
 * @example
 * ```ts
 * const { stdout } = await runCommand("npm", ["--version"], { cwd: dir, timeoutMs: 30_000 });
 * ```
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, options.timeoutMs);
    const describe = () => `${command} ${args.join(" ")} (in ${options.cwd})`;
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`could not start ${describe()}: ${error.message}`, { cause: error }));
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && !timedOut) {
        resolve({ stdout, stderr });
        return;
      }
      const reason = timedOut
        ? `timed out after ${options.timeoutMs} ms`
        : `exited with ${code ?? signal}`;
      reject(
        new Error(
          `${describe()} ${reason}\n--- stdout\n${tail(stdout)}\n--- stderr\n${tail(stderr)}`,
        ),
      );
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

function tail(text: string): string {
  return text.length > 6000 ? `…${text.slice(-6000)}` : text;
}
