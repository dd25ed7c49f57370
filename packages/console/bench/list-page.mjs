// The delivery list API, one page of 50, over real HTTP, on a SQLite file
// holding DELIVERIES deliveries (default 1,000,000): the first page, a later
// page by cursor, and a filtered first page. Prints p50/p95 per case in ms,
// the first endpoints call, and a verdict against the goal (first page p95
// at most 50 ms over HTTP); it exits 1 when the goal is missed.
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createConsole, nodeListener } from "@attesta/console";
import { SqliteStore } from "@attesta/webhooks/sqlite";
import Database from "better-sqlite3";

const DELIVERIES = Number(process.env.DELIVERIES ?? 1_000_000);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const TOKEN = "bench-operator-token-0123456789";

const dir = mkdtempSync(join(tmpdir(), "attesta-console-bench-"));
process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
const path = join(dir, "webhooks.db");

/** A real store file (schema, id epochs), then rows written in bulk: 1 in 20 dead, the rest delivered, one attempt each. */
function writeFile() {
  const store = new SqliteStore({ path });
  store.open({
    serialize: () => new Uint8Array(),
    mintId: () => "",
    now: Date.now,
    limits: () => ({ maxPending: 10, overflow: "drop-newest" }),
    onUnserializable: () => {},
    onCommitError: () => {},
  });
  return store.close().then(() => {
    const db = new Database(path);
    const body = Buffer.from(
      JSON.stringify({
        event: "APPROVED",
        timestamp: "2025-06-15T14:32:18+00:00",
        data: { agent_id: "agent-7", action_name: "deploy", risk_score: 0.2, risk_level: "low" },
      }),
    );
    const delivery = db.prepare(
      "INSERT INTO deliveries (seq, endpoint_id, event, body, status, attempts, created_at, settled_at, dead_reason) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)",
    );
    const attempt = db.prepare(
      "INSERT INTO attempts (delivery_seq, attempt, started_at, duration_ms, status, error_kind) VALUES (?, 1, ?, 12, ?, ?)",
    );
    const start = Date.now() - DELIVERIES * 10;
    db.transaction(() => {
      for (let seq = 1; seq <= DELIVERIES; seq++) {
        const dead = seq % 20 === 0;
        const at = start + seq * 10;
        delivery.run(
          seq,
          `ep_${seq % 8}`,
          dead ? "DENIED" : "APPROVED",
          body,
          dead ? "dead" : "delivered",
          at,
          at + 15,
          dead ? "exhausted" : null,
        );
        attempt.run(seq, at + 1, dead ? 500 : 204, dead ? "http_status" : null);
      }
      // What the store writes when an endpoint's first row is committed.
      const named = db.prepare("INSERT INTO delivery_endpoints (endpoint_id) VALUES (?)");
      for (let n = 0; n < 8; n++) named.run(`ep_${n}`);
    })();
    db.close();
  });
}

const percentile = (values, p) =>
  [...values].sort((a, b) => a - b)[
    Math.min(values.length - 1, Math.floor((values.length * p) / 100))
  ];

async function measure(url) {
  const times = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = await response.json();
    times.push(performance.now() - started);
    if (response.status !== 200 || body.items.length !== 50)
      throw new Error(`unexpected answer ${response.status}`);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}

const writeStarted = performance.now();
await writeFile();
const writeMs = performance.now() - writeStarted;
const admin = SqliteStore.inspect(path).admin();
const server = createServer(nodeListener(createConsole({ source: admin, operatorToken: TOKEN })));
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
const base = `http://127.0.0.1:${server.address().port}/api/deliveries?limit=50`;
const first = await (await fetch(base, { headers: { authorization: `Bearer ${TOKEN}` } })).json();
let cursor = first.nextCursor;
for (let i = 0; i < 100; i++)
  cursor = (
    await (
      await fetch(`${base}&cursor=${cursor}`, { headers: { authorization: `Bearer ${TOKEN}` } })
    ).json()
  ).nextCursor;
/** The same first page straight from the source, without HTTP, auth and JSON: where the time goes. */
async function measureSource() {
  const times = [];
  for (let i = 0; i < REQUESTS; i++) {
    const started = performance.now();
    await admin.deliveries({ limit: 50 });
    times.push(performance.now() - started);
  }
  return { p50: percentile(times, 50), p95: percentile(times, 95) };
}
const results = {
  deliveries: DELIVERIES,
  fileWrittenInMs: Math.round(writeMs),
  firstPage: await measure(base),
  page101ByCursor: await measure(`${base}&cursor=${cursor}`),
  deadOnly: await measure(`${base}&status=dead`),
  oneEndpoint: await measure(`${base}&endpoint=ep_3`),
  sourceOnly: await measureSource(),
  endpointsMs: await (async () => {
    const started = performance.now();
    const response = await fetch(base.replace("/deliveries?limit=50", "/endpoints"), {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    if ((await response.json()).items.length !== 8) throw new Error("expected 8 endpoints");
    return performance.now() - started;
  })(),
  loadAverage: (await import("node:os")).loadavg()[0],
};
server.close();
await admin.close();
console.log(`RESULT ${JSON.stringify(results)}`);
const GOAL_P95_MS = 50;
const met = results.firstPage.p95 <= GOAL_P95_MS;
console.log(
  `list page of 50 over HTTP, ${DELIVERIES.toLocaleString("en")} deliveries: p95 ${results.firstPage.p95.toFixed(1)} ms (p50 ${results.firstPage.p50.toFixed(1)} ms; the read alone p50 ${results.sourceOnly.p50.toFixed(1)} ms), goal ≤ ${GOAL_P95_MS} ms: ${met ? "MET" : "MISSED"}; first endpoints call ${results.endpointsMs.toFixed(0)} ms; load average ${results.loadAverage.toFixed(1)}`,
);
if (!met) process.exitCode = 1;
