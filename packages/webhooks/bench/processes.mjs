// Child processes of the bench runners: every case runs in a fresh process,
// so one case's JIT state, heap and sockets never colour the next one.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** The path of a file in this folder. */
export const benchFile = (file) => fileURLToPath(new URL(file, import.meta.url));

/** Runs `file` with `caseArgs` and returns the JSON of its `RESULT ` line. */
export function runCase(file, caseArgs, nodeArgs = []) {
  const child = spawn(process.execPath, [...nodeArgs, benchFile(file), ...caseArgs], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  return caseResult(child, `${file} ${caseArgs.join(" ")}`);
}

/**
 * Collects a case process's output from now on and resolves to the JSON of
 * its `RESULT ` line once it exits; rejects on another exit code or no line.
 */
export async function caseResult(child, label) {
  let out = "";
  child.stdout.on("data", (chunk) => (out += chunk));
  const [code] = child.exitCode === null ? await once(child, "exit") : [child.exitCode];
  const line = out.split("\n").find((l) => l.startsWith("RESULT "));
  if (code !== 0 || line === undefined) throw new Error(`${label} failed (exit ${code})`);
  return JSON.parse(line.slice("RESULT ".length));
}

/** Starts receiver.mjs in its own process; `stop()` ends it by closing its stdin. */
export async function startReceiver() {
  const child = spawn(process.execPath, [benchFile("receiver.mjs")], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const [chunk] = await once(child.stdout, "data");
  return {
    url: `http://127.0.0.1:${Number.parseInt(String(chunk), 10)}/hook`,
    stop: () => child.stdin.end(),
  };
}
