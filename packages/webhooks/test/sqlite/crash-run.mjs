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

/**
 * A receiver on 127.0.0.1 that answers 204 after 0-3 ms and records every
 * request in order, with the number of the connection it came on: which
 * process sent a request is told by when its connection was accepted. Its
 * own, not startTestReceiver: this plain-Node process cannot import the
 * TypeScript @attesta/test-support.
 */
async function startReceiver(onRequest) {
  const received = [];
  const connection = new WeakMap();
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      received.push({
        id: req.headers["x-attesta-delivery"],
        n: body.data.metadata.n,
        connection: connection.get(req.socket),
      });
      onRequest(received.length);
      setTimeout(() => res.writeHead(204).end(), Math.floor(Math.random() * 4));
    });
  });
  let connections = 0;
  server.on("connection", (socket) => connection.set(socket, connections++));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: `http://127.0.0.1:${server.address().port}/hook`,
    received,
    connections: () => connections,
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
 * The kill lands at a point of progress, not of time, so that it hits every
 * stage on a fast machine and on a loaded one: once the sender reported a
 * random number of events persisted (while it still emits), or once the
 * receiver got a random number of requests (while deliveries are in flight),
 * then after a random 0-5 ms more.
 *
 * @param {{ events?: number, timeoutMs?: number }} options
 * @returns {Promise<import("./crash-run.d.mts").CrashRunResult>}
 */
export async function crashRun({ events = 150, timeoutMs = 60_000 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "attesta-crash-"));
  const path = join(dir, "deliveries.db");
  const target = Math.floor(Math.random() * events);
  const stage = Math.random() < 0.5 ? "emitting" : "delivering";
  let trigger;
  const triggered = new Promise((resolve) => (trigger = resolve));
  const receiver = await startReceiver((count) => {
    if (stage === "delivering" && count >= target) trigger();
  });
  const children = [];
  // A stuck process is killed, which fails the run below instead of hanging it.
  const deadline = setTimeout(() => {
    for (const child of children) child.kill("SIGKILL");
  }, timeoutMs);
  try {
    let persistedUpTo = -1;
    const first = run(["send", path, receiver.url, String(events)], (line) => {
      if (line.startsWith("P ")) persistedUpTo = Number(line.slice(2));
      if (stage === "emitting" && persistedUpTo >= target) trigger();
      if (line === "IDLE") trigger();
    });
    children.push(first.child);
    await Promise.race([triggered, first.exited]);
    const killedAfterMs = Math.floor(Math.random() * 6);
    await new Promise((resolve) => setTimeout(resolve, killedAfterMs));
    first.child.kill("SIGKILL");
    const killed = await first.exited;
    if (killed.signal !== "SIGKILL")
      throw new Error(`sender exited before the kill (code ${killed.code}): ${killed.stderr}`);
    const phase = `${stage} ${target}`;
    // Let connections the killed process opened reach the receiver; every
    // later one comes from the resumed process, which needs far longer to start.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const connectionsBeforeRestart = receiver.connections();

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
    return {
      persistedUpTo,
      connectionsBeforeRestart,
      received: receiver.received,
      killedAfterMs,
      phase,
    };
  } finally {
    clearTimeout(deadline);
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Checks one run; returns the problems found (empty when it passed) and the
 * duplicates: deliveries received twice, once from the killed process (in
 * flight, or delivered but not yet recorded, at the kill) and once after.
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
      const fromKilled = seen.filter((r) => r.connection < result.connectionsBeforeRestart);
      if (fromKilled.length !== 1)
        problems.push(
          `event ${n} arrived ${seen.length} times, ${fromKilled.length} of them from the killed process`,
        );
    }
  }
  return { problems, duplicates, delivered: byN.size };
}
