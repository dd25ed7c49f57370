/**
 * maxSockets above what the file-descriptor limit allows: the dispatcher
 * lowers it with a warning, so connects wait for a free socket instead of
 * failing with EMFILE. Run in a child process under a real `ulimit -n`.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { defer, startTestReceiver } from "@attesta/test-support";
import { describe, expect, it } from "vitest";

const run = fileURLToPath(new URL("./fixtures/fd-limit-run.mjs", import.meta.url));

describe.skipIf(process.platform === "win32")("maxSockets and the file-descriptor limit", () => {
  it("caps maxSockets 5000 under ulimit -n 256 with a warning; no EMFILE, everything delivered", async () => {
    const urls: string[] = [];
    for (let n = 0; n < 5; n++) {
      // Slow answers keep many sockets open at once: 5 origins × 100 wanted > 256 descriptors.
      const receiver = await startTestReceiver((_req, res) => {
        setTimeout(() => res.writeHead(204).end(), 100);
      });
      urls.push(receiver.url);
    }
    const child = spawn(
      "/bin/sh",
      ["-c", 'ulimit -n 256 && exec "$0" "$@"', process.execPath, run, "5000", "200", ...urls],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    defer(async () => {
      child.kill("SIGKILL");
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
    const [code] = await once(child, "close");
    expect(code, err).toBe(0);
    const result = JSON.parse(out.trim().split("\n").at(-1) ?? "{}");
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toMatch(
      /options\.maxSockets \(5000\) is more than the file-descriptor limit leaves room for; using \d+\. Fix: raise the limit/,
    );
    const room = Number(/using (\d+)/.exec(result.warnings[0])?.[1]);
    expect(room).toBeGreaterThan(0);
    expect(room).toBeLessThanOrEqual(256 - 64);
    expect(result).toMatchObject({ emfile: 0, delivered: 1000, undelivered: 0 });
  }, 120_000);
});
