// One crash run: a sender process on a SqliteStore file delivers to a real
// receiver and is killed with SIGKILL at a random moment; a second process
// resumes from the same file. Returns what the receiver saw, for checking.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const sender = fileURLToPath(new URL("./crash-sender.mjs", import.meta.url));

/** A receiver on 127.0.0.1 that answers 204 after 0-3 ms and records every request in order. */
async function startReceiver() {
  const received = [];
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      received.push({ id: req.headers["x-attesta-delivery"], n: body.data.metadata.n });
      setTimeout(() => res.writeHead(204).end(), Math.floor(Math.random() * 4));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    received,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}

function run(args, onLine) {
  const child = spawn(process.execPath, [sender, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let buffered = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => {
    buffered += chunk;
    let newline = buffered.indexOf("\n");
    while (newline >= 0) {
      onLine(buffered.slice(0, newline));
      buffered = buffered.slice(newline + 1);
      newline = buffered.indexOf("\n");
    }
  });
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = once(child, "exit").then(([code, signal]) => ({ code, signal, stderr }));
  return { child, exited };
}

/**
 * @param {{ events?: number, maxKillDelayMs?: number, timeoutMs?: number }} options
 * @returns {Promise<{ persistedUpTo: number, receivedBeforeKill: number, received: {id: string, n: number}[], killedAfterMs: number, phase: string }>}
 */
export async function crashRun({ events = 400, maxKillDelayMs = 400, timeoutMs = 60_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "attesta-crash-"));
  const path = join(dir, "deliveries.db");
  const receiver = await startReceiver();
  const children = [];
  // A stuck process is killed, which fails the run below instead of hanging it.
  const deadline = setTimeout(() => {
    for (const child of children) child.kill("SIGKILL");
  }, timeoutMs);
  try {
    let persistedUpTo = -1;
    let phase = "starting";
    let ready;
    const isReady = new Promise((resolve) => (ready = resolve));
    const first = run(["send", path, receiver.url, String(events)], (line) => {
      if (line === "READY") ready();
      else if (line.startsWith("P ")) persistedUpTo = Number(line.slice(2));
      if (line === "IDLE") phase = "idle";
    });
    children.push(first.child);
    await Promise.race([isReady, first.exited]);
    const killedAfterMs = Math.floor(Math.random() * maxKillDelayMs);
    await new Promise((resolve) => setTimeout(resolve, killedAfterMs));
    if (phase === "starting") phase = persistedUpTo + 1 < events ? "emitting" : "delivering";
    first.child.kill("SIGKILL");
    const killed = await first.exited;
    if (killed.signal !== "SIGKILL")
      throw new Error(`sender exited before the kill (code ${killed.code}): ${killed.stderr}`);
    // Anything the receiver got from now on was sent by the resumed process.
    const receivedBeforeKill = receiver.received.length;

    let done = false;
    const second = run(["resume", path, receiver.url], (line) => {
      if (line === "DONE") done = true;
    });
    children.push(second.child);
    const resumed = await second.exited;
    if (resumed.code !== 0 || !done) {
      throw new Error(
        `resume failed (code ${resumed.code}, signal ${resumed.signal}, limit ${timeoutMs} ms): ${resumed.stderr}`,
      );
    }
    return { persistedUpTo, receivedBeforeKill, received: receiver.received, killedAfterMs, phase };
  } finally {
    clearTimeout(deadline);
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Checks one run; returns the problems found (empty when it passed) and the
 * duplicates (deliveries received twice, first before the kill).
 */
export function checkRun(result) {
  const problems = [];
  const byN = new Map();
  result.received.forEach((request, index) => {
    const seen = byN.get(request.n) ?? [];
    seen.push({ ...request, index });
    byN.set(request.n, seen);
  });
  for (let n = 0; n <= result.persistedUpTo; n++)
    if (!byN.has(n)) problems.push(`event ${n} was persisted before the kill but never delivered`);
  let duplicates = 0;
  for (const [n, seen] of byN) {
    const ids = new Set(seen.map((request) => request.id));
    if (ids.size !== 1) problems.push(`event ${n} arrived under ${ids.size} delivery ids`);
    if (seen.length > 1) {
      duplicates += seen.length - 1;
      if (seen.length > 2) problems.push(`event ${n} arrived ${seen.length} times`);
      if (seen[0].index >= result.receivedBeforeKill)
        problems.push(`event ${n} arrived twice, both times after the restart`);
    }
  }
  return { problems, duplicates, delivered: byN.size };
}
