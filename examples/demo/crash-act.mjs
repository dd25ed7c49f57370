// @ts-check
/**
 * The demo's crash act: a sender process on a SqliteStore file is killed
 * with SIGKILL while deliveries are pending (one receiver answers slowly, the
 * other is down), then a new dispatcher opens the same file, resumes every
 * pending delivery under its original id, and the receivers get them.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { EventBus } from "@attesta/events";
import { verifySignature } from "@attesta/verify";
import { WebhookDispatcher } from "@attesta/webhooks";
import { SqliteStore } from "@attesta/webhooks/sqlite";
import { CRASH_ACT_SECRET, crashActEndpoints } from "./crash-act-config.mjs";

const EVENTS = 8;
/** The ledger holds each request this long, so most are still owed at the kill. */
const LEDGER_DELAY_MS = 40;

/**
 * A receiver that checks the signature and counts requests per delivery id.
 *
 * @param {number} port 0 for any
 * @param {number} delayMs
 */
async function startReceiver(port, delayMs) {
  /** @type {Map<string, number>} */
  const seen = new Map();
  let forged = 0;
  const server = createServer((req, res) => {
    const chunks = /** @type {Buffer[]} */ ([]);
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const signature = String(req.headers["x-attesta-signature"] ?? "");
      if (!verifySignature(body, signature, CRASH_ACT_SECRET)) {
        forged += 1;
        res.writeHead(401).end();
        return;
      }
      const id = String(req.headers["x-attesta-delivery"]);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      setTimeout(() => res.writeHead(204).end(), delayMs);
    });
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  const boundPort = typeof address === "object" && address !== null ? address.port : port;
  return {
    port: boundPort,
    url: `http://127.0.0.1:${boundPort}/hook`,
    seen,
    get forged() {
      return forged;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A loopback port with nothing listening on it (yet). */
async function freePort() {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return typeof address === "object" && address !== null ? address.port : 0;
}

/**
 * Starts the sender, waits until it says every event is on disk, kills it.
 *
 * @param {string} path
 * @param {string} ledgerUrl
 * @param {string} auditUrl
 */
async function sendAndKill(path, ledgerUrl, auditUrl) {
  const sender = fileURLToPath(new URL("./crash-sender.mjs", import.meta.url));
  const child = spawn(process.execPath, [sender, path, ledgerUrl, auditUrl, String(EVENTS)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (chunk) => (out += chunk));
  const exited = once(child, "exit");
  while (!out.includes("PERSISTED")) {
    await Promise.race([once(child.stdout, "data"), exited]);
    if (child.exitCode !== null) throw new Error(`the sender exited early (${child.exitCode})`);
  }
  child.kill("SIGKILL");
  const [, signal] = await exited;
  return { pid: child.pid, signal };
}

/**
 * Runs the act in a fresh directory; prints its rows with `out` and returns
 * the figures for the summary.
 *
 * @param {{ dir: string, out: (line?: string) => void, paint: ReturnType<typeof import("./table.mjs").painter> }} io
 */
export async function crashAct({ dir, out, paint }) {
  const path = join(dir, "crash-act.db");
  const ledger = await startReceiver(0, LEDGER_DELAY_MS);
  const auditPort = await freePort();
  const auditUrl = `http://127.0.0.1:${auditPort}/hook`;
  out(
    paint(
      "bold",
      "  ── crash: the sender is killed with SIGKILL while deliveries are pending and audit is down",
    ),
  );
  const killed = await sendAndKill(path, ledger.url, auditUrl);
  const deliveredBeforeKill = ledger.seen.size;
  const file = SqliteStore.inspect(path);
  const pending = file.list({ status: "pending", limit: 1000 });
  file.close();
  const pendingByEndpoint = (/** @type {string} */ id) =>
    pending.filter((d) => d.endpointId === id).length;
  out(
    `  killed pid ${killed.pid} (${killed.signal}) after ${EVENTS} events were on disk: ` +
      `ledger had acknowledged ${deliveredBeforeKill}, the file still owes ${pending.length} ` +
      `(ledger ${pendingByEndpoint("ledger")}, audit ${pendingByEndpoint("audit")})`,
  );

  const audit = await startReceiver(auditPort, 0);
  const dispatcher = new WebhookDispatcher(
    new EventBus(),
    crashActEndpoints(ledger.url, auditUrl),
    { store: new SqliteStore({ path }), logger: null },
  );
  const resumed = dispatcher.stats().queued;
  out(`  restarted on the same file, audit back up: resumed ${resumed} pending deliveries`);
  await dispatcher.flush();
  const recovered = pending.filter((d) => {
    const receiver = d.endpointId === "audit" ? audit : ledger;
    return receiver.seen.has(d.id) && dispatcher.deliveries.get(d.id)?.status === "delivered";
  }).length;
  const delivered = dispatcher.deliveries.list({ status: "delivered", limit: 1000 }).length;
  await dispatcher.close();
  // Requests the killed process had in flight are sent again: receivers dedupe on the id.
  const repeated = [...ledger.seen.values()].filter((count) => count > 1).length;
  const forged = ledger.forged + audit.forged;
  await Promise.all([ledger.close(), audit.close()]);
  const ok =
    recovered === pending.length && delivered === 2 * EVENTS && forged === 0 && pending.length > 0;
  out(
    paint(
      ok ? "green" : "red",
      `  recovered ${recovered} of ${pending.length} under their original ids; ` +
        `${delivered} of ${2 * EVENTS} delivered in all, ${repeated} sent twice (in flight at the kill)`,
    ),
  );
  return { ok, pending: pending.length, recovered, resumed, repeated };
}
