import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { expect } from "vitest";

/**
 * Starts `node …args`; resolves with the child and its first line of output
 * (empty when it exits before printing one). `children` collects the child
 * so the caller's afterEach can SIGKILL whatever is still running.
 */
export async function startNode(
  args: readonly string[],
  children: ChildProcess[],
): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  let out = "";
  child.stdout?.setEncoding("utf8");
  while (!out.includes("\n")) {
    const [chunk] = (await Promise.race([
      once(child.stdout as NodeJS.ReadableStream, "data"),
      once(child, "exit").then(() => [""]),
    ])) as [string];
    if (chunk === "" && child.exitCode !== null) break;
    out += chunk;
  }
  return { child, line: out.split("\n")[0] ?? "" };
}

/** The JSON after `tag ` in a child's status line; fails the test on another line. */
export function parseTagged(line: string, tag: string): Record<string, unknown> {
  expect(line.startsWith(`${tag} `), line).toBe(true);
  return JSON.parse(line.slice(tag.length + 1)) as Record<string, unknown>;
}

/** Calls `onLine` with each whole line the child writes to stdout, as it arrives. */
export function onStdoutLines(child: ChildProcess, onLine: (line: string) => void): void {
  let buffered = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    buffered += chunk;
    for (let i = buffered.indexOf("\n"); i >= 0; i = buffered.indexOf("\n")) {
      const line = buffered.slice(0, i);
      buffered = buffered.slice(i + 1);
      onLine(line);
    }
  });
}
