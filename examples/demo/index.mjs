// @ts-check
/**
 * `pnpm demo`: one Attesta approval run through the real packages.
 *
 * An EventBus emits the pipeline events of three agent actions, a
 * WebhookDispatcher delivers them in the background to Express and Hono
 * receivers guarded by verifyAttesta and, as Slack messages, to a Koa stand-in
 * for Slack that checks the signature and Slack's message contract; that
 * endpoint fails once and is retried,
 * a forged request is turned away with 401, and close() drains what is still
 * in flight. Deliveries live in a SqliteStore file; in a last act a sender
 * process is killed with SIGKILL while deliveries are pending, and a new
 * dispatcher resumes them from its file. Everything listens on
 * 127.0.0.1 with an ephemeral port; the process exits 0 only if every
 * delivery arrived verified and every forgery was rejected.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { EventBus } from "@attesta/events";
import { sign } from "@attesta/verify";
import { WebhookDispatcher } from "@attesta/webhooks";
import { SqliteStore } from "@attesta/webhooks/sqlite";
import { crashAct } from "./crash-act.mjs";
import { Inbox, startReceivers } from "./receivers.mjs";
import { actions } from "./scenario.mjs";
import { LiveTable, painter, wantsColour } from "./table.mjs";

// A stuck demo is a failed demo: never hang a terminal or a CI job.
const watchdog = setTimeout(() => {
  console.error("demo: still running after 20 s, giving up");
  process.exit(1);
}, 20_000);
watchdog.unref();

const REVIEW_PAUSE_MS = 150;
const paint = painter(wantsColour(process.stdout, process.env));
const out = (/** @type {string} */ line = "") => process.stdout.write(`${line}\n`);
const started = performance.now();
const since = () => `+${Math.round(performance.now() - started)}ms`;

/** @param {string} name */
const secret = (name) => `whsec_${name}_${randomBytes(12).toString("hex")}`;
const secrets = {
  express: secret("express"),
  slack: secret("slack"),
  // Rotation in progress: the receiver accepts both, the sender already signs with the new one.
  auditNew: secret("audit_2025_06"),
  auditOld: secret("audit_2025_01"),
};

// The store's files live in a scratch directory, removed at the end.
const dir = mkdtempSync(join(tmpdir(), "attesta-demo-"));
// ATTESTA_DEMO_KEEP=1 keeps the files, so the console can be opened on this run's store.
const keepFiles = process.env.ATTESTA_DEMO_KEEP === "1";
if (!keepFiles) process.on("exit", () => rmSync(dir, { recursive: true, force: true }));

const inbox = new Inbox();
const receivers = await startReceivers({
  inbox,
  secrets: {
    express: secrets.express,
    slack: secrets.slack,
    audit: [secrets.auditNew, secrets.auditOld],
  },
});
const [expressReceiver, slackReceiver, auditReceiver] = receivers;
if (!expressReceiver || !slackReceiver || !auditReceiver)
  throw new Error("receivers did not start");

/** @type {import("@attesta/webhooks").WebhookConfig[]} */
const configs = [
  { url: expressReceiver.url, secret: secrets.express },
  // A short backoff keeps the demo quick; the default base is 500 ms.
  {
    url: slackReceiver.url,
    secret: secrets.slack,
    // The body is a Slack message; the dispatcher still signs these exact bytes.
    format: "slack",
    events: ["denied", "escalated"],
    retryCount: 3,
    retryBaseDelayMs: 50,
  },
  {
    url: auditReceiver.url,
    secret: secrets.auditNew,
    events: ["approved", "denied", "escalated", "audit_logged"],
  },
];

out(paint("bold", "Attesta webhook demo"));
out(
  paint(
    "dim",
    "EventBus → WebhookDispatcher → receivers guarded by verifyAttesta, all on 127.0.0.1",
  ),
);
out(
  paint(
    "dim",
    "Deliveries are kept in a SQLite file (SqliteStore): nothing owed is lost to a crash",
  ),
);
out();
const endpoints = new LiveTable(
  [
    { title: "ENDPOINT", width: 8 },
    { title: "FRAMEWORK", width: 11 },
    { title: "URL", width: 40 },
    { title: "SUBSCRIBED TO", width: 50 },
  ],
  paint,
  out,
);
endpoints.header();
endpoints.row(["express", { text: "Express", style: "cyan" }, expressReceiver.url, "every event"]);
endpoints.row([
  "slack",
  { text: slackReceiver.framework, style: "cyan" },
  slackReceiver.url,
  "DENIED, ESCALATED as Slack messages; fails once",
]);
endpoints.row([
  "audit",
  { text: "Hono", style: "cyan" },
  auditReceiver.url,
  "verdicts, AUDIT_LOGGED; accepts new + old secret",
]);
out();

const deliveries = new LiveTable(
  [
    { title: "TIME", width: 7, align: "right" },
    { title: "EVENT", width: 19 },
    { title: "ENDPOINT", width: 8 },
    { title: "FRAMEWORK", width: 11 },
    { title: "HTTP", width: 4, align: "right" },
    { title: "ATTEMPT", width: 7, align: "right" },
    { title: "LATENCY", width: 8, align: "right" },
    { title: "SIGNATURE", width: 30 },
  ],
  paint,
  out,
);

const tally = {
  delivered: 0,
  verified: 0,
  deadLetters: 0,
  lastDeliveredAt: 0,
  /** @type {number[]} */
  attemptMs: [],
  /** @type {string[]} */
  retried: [],
};

/** @param {string} event */
const eventStyle = (event) =>
  /** @type {const} */ ({ APPROVED: "green", DENIED: "red", ESCALATED: "yellow" })[event] ??
  undefined;

/**
 * One row per HTTP attempt, joined with what the receiver saw for the same
 * delivery id, so "verified" is the receiver's word rather than the sender's.
 *
 * @param {import("@attesta/webhooks").DeliveryAttempt} attempt
 */
function onAttempt(attempt) {
  const receiver = receivers[attempt.endpointIndex];
  const { event, ok } = attempt;
  const receipt = receiver ? inbox.get(receiver.name, attempt.deliveryId) : undefined;
  const verified = receipt !== undefined && receipt.attempts >= attempt.attempt;
  tally.attemptMs.push(attempt.durationMs);
  if (ok) {
    tally.delivered += 1;
    if (verified) tally.verified += 1;
    if (attempt.attempt > 1)
      tally.retried.push(
        `${receiver?.name} ${event}, ${attempt.status} on attempt ${attempt.attempt}`,
      );
    tally.lastDeliveredAt = performance.now();
  }
  const retryNote = ok
    ? attempt.attempt > 1
      ? " (after retry)"
      : ""
    : attempt.willRetry
      ? `, will retry in ${attempt.retryInMs ?? 0}ms`
      : ", giving up";
  deliveries.row([
    { text: since(), style: "dim" },
    { text: event, style: eventStyle(event) },
    receiver?.name ?? attempt.url,
    { text: receiver?.framework ?? "?", style: "cyan" },
    { text: String(attempt.status ?? "ERR"), style: ok ? "green" : "red" },
    String(attempt.attempt),
    `${attempt.durationMs.toFixed(1)}ms`,
    verified
      ? { text: `✓ verified${retryNote}`, style: ok ? "green" : "yellow" }
      : { text: `✗ not verified${retryNote}`, style: "red" },
  ]);
  if (ok && receipt?.message !== undefined) showSlackMessage(receipt.message);
}

/** @type {string[]} */
const slackMessages = [];
/**
 * The text of a Slack message that passed the stand-in's checks, shortened.
 *
 * @param {string} text
 */
function showSlackMessage(text) {
  const excerpt = text.length > 72 ? `${text.slice(0, 71)}…` : text;
  slackMessages.push(excerpt);
  out(paint("dim", `           ↳ Slack message: "${excerpt}"`));
}

const bus = new EventBus();
const dispatcher = new WebhookDispatcher(bus, configs, {
  onAttempt,
  onDeadLetter: (letter) => {
    tally.deadLetters += 1;
    out(paint("red", `  dead letter: ${letter.payload.event} to ${letter.url} (${letter.reason})`));
  },
  // Every attempt and dead letter is already in the table.
  logger: null,
  store: new SqliteStore({ path: join(dir, "webhooks.db") }),
});

let emitted = 0;
let emitMs = 0;
let firstEmitAt = 0;
/** @param {import("./scenario.mjs").PipelineEmit[]} events */
function emitAll(events) {
  for (const event of events) {
    const before = performance.now();
    if (firstEmitAt === 0) firstEmitAt = before;
    bus.emit(event);
    emitMs += performance.now() - before;
    emitted += 1;
  }
}

deliveries.header();
for (const [index, action] of actions.entries()) {
  out(paint("bold", `  ── action ${index + 1}/${actions.length}: ${action.title}`));
  emitAll(action.before);
  // The human takes a moment to answer the challenge; deliveries carry on meanwhile.
  await sleep(REVIEW_PAUSE_MS);
  emitAll(action.after);
  if (index < actions.length - 1) await sleep(100);
}

// Straight after the last emit some deliveries are still queued or in flight:
// close() stops intake and waits for them, so nothing is lost on shutdown.
const pending = dispatcher.stats();
const pendingAtClose = pending.queued + pending.inFlight;
const closeStarted = performance.now();
const report = await dispatcher.close({ deadlineMs: 5000 });
const closeMs = performance.now() - closeStarted;
const { stats } = report;

out();
out(
  paint(
    "bold",
    "  ── sent by hand: a sender still on the old audit secret, then a forgery to each receiver",
  ),
);
/**
 * @param {string} event
 * @param {object} data
 */
const bodyOf = (event, data) =>
  JSON.stringify({ event, timestamp: new Date().toISOString().replace("Z", "+00:00"), data });

/**
 * POSTs a body the way the dispatcher would, and prints the row.
 *
 * @param {import("./receivers.mjs").Receiver} receiver
 * @param {string} body
 * @param {string} signature
 * @param {string} deliveryId
 */
async function sendByHand(receiver, body, signature, deliveryId) {
  const before = performance.now();
  const response = await fetch(receiver.url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-attesta-signature": signature,
      "x-attesta-event": "approved",
      "x-attesta-delivery": deliveryId,
    },
    body,
  });
  await response.arrayBuffer();
  return { status: response.status, latency: performance.now() - before };
}

// Rotation window: the audit receiver still accepts the previous secret.
const stragglerBody = bodyOf("APPROVED", {
  agent_id: "agent-billing-7",
  action_name: "issue_refund",
  risk_score: 0.34,
  risk_level: "medium",
  decided_by: "legacy-exporter",
});
const straggler = await sendByHand(
  auditReceiver,
  stragglerBody,
  sign(stragglerBody, secrets.auditOld),
  "dlv_old_secret",
);
const stragglerVerified = inbox.get(auditReceiver.name, "dlv_old_secret") !== undefined;
const stragglerOk = straggler.status >= 200 && straggler.status < 300 && stragglerVerified;
deliveries.row([
  { text: since(), style: "dim" },
  { text: "APPROVED", style: "green" },
  auditReceiver.name,
  { text: auditReceiver.framework, style: "cyan" },
  { text: String(straggler.status), style: stragglerOk ? "green" : "red" },
  "1",
  `${straggler.latency.toFixed(1)}ms`,
  stragglerOk
    ? { text: "✓ verified with the old secret", style: "green" }
    : { text: "✗ old secret refused", style: "red" },
]);

const forgedBody = bodyOf("APPROVED", {
  agent_id: "agent-ops-2",
  action_name: "drop_table",
  risk_score: 0.05,
  risk_level: "low",
  reason: "trust me",
});
const forgedSignature = sign(forgedBody, secret("attacker"));
/** @type {string[]} */
const rejectedBy = [];
for (const receiver of receivers) {
  const { status, latency } = await sendByHand(
    receiver,
    forgedBody,
    forgedSignature,
    `dlv_forged_${receiver.name}`,
  );
  if (status === 401) rejectedBy.push(receiver.framework);
  deliveries.row([
    { text: since(), style: "dim" },
    { text: "APPROVED", style: "green" },
    receiver.name,
    { text: receiver.framework, style: "cyan" },
    { text: String(status), style: status === 401 ? "green" : "red" },
    "1",
    `${latency.toFixed(1)}ms`,
    status === 401
      ? { text: "✗ forged: rejected with 401", style: "green" }
      : { text: `! forged request got ${status}`, style: "red" },
  ]);
}
const rejected = rejectedBy.length;

await Promise.all(receivers.map((receiver) => receiver.close()));

out();
const crash = await crashAct({ dir, out, paint });

const expected = actions.reduce((total, action) => {
  const types = [...action.before, ...action.after].map((event) => event.type);
  return (
    total +
    configs.reduce(
      (sum, config) =>
        sum + types.filter((type) => !config.events?.length || config.events.includes(type)).length,
      0,
    )
  );
}, 0);
// Counted from both sides: what close() reports lost, and what never got a 2xx.
// One Slack message per event the Slack endpoint subscribes to.
const slackEvents = /** @type {readonly string[]} */ (configs[1]?.events ?? []);
const slackExpected = actions
  .flatMap((action) => [...action.before, ...action.after])
  .filter((event) => slackEvents.includes(event.type)).length;
const undelivered = Math.max(report.undelivered.length, expected - tally.delivered);

const sorted = [...tally.attemptMs].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
const requestMs = sorted.reduce((sum, ms) => sum + ms, 0);
const humanPauseMs = actions.length * REVIEW_PAUSE_MS;

out();
out(paint("bold", "Summary"));
/**
 * @param {string} label
 * @param {string} value
 * @param {import("./table.mjs").Style} [style]
 */
const line = (label, value, style) => out(`  ${label.padEnd(13)}${paint(style, value)}`);
line(
  "delivered",
  `${tally.delivered} of ${expected} deliveries, ${tally.verified} verified by the receiver`,
  tally.verified === expected && tally.delivered === expected ? "green" : "red",
);
line("retried", `${tally.retried.length} (${tally.retried.join("; ") || "none"})`, "yellow");
line(
  "rejected",
  `${rejected} of ${receivers.length} forged requests answered 401 (${rejectedBy.join(", ")})`,
  rejected === receivers.length ? "green" : "red",
);
line(
  "slack",
  `${slackMessages.length} Slack messages posted, each signed and within Slack's message contract`,
  slackMessages.length === slackExpected ? "green" : "red",
);
line(
  "rotation",
  `audit accepted the new secret (dispatcher) and the old one (by hand)`,
  stragglerOk ? "green" : "red",
);
line(
  "undelivered",
  `${undelivered} (close() reported ${report.undelivered.length}, dead letters ${tally.deadLetters})`,
  undelivered === 0 ? "green" : "red",
);
line(
  "recovered",
  `${crash.recovered} of ${crash.pending} deliveries pending at the SIGKILL, resumed from the file under the same ids (${crash.repeated} repeated: in flight at the kill)`,
  crash.ok ? "green" : "red",
);
line(
  "console",
  keepFiles
    ? `node packages/cli/dist/cli.js console --db ${join(dir, "webhooks.db")}  (kept; opens the delivery console)`
    : "rerun with ATTESTA_DEMO_KEEP=1 to keep webhooks.db, then: node packages/cli/dist/cli.js console --db <that file>",
  "dim",
);
line(
  "emit",
  `${emitted} events, ${emitMs.toFixed(2)} ms in total inside bus.emit() (${((emitMs / emitted) * 1000).toFixed(0)} µs each)`,
);
line(
  "delivery",
  `${sorted.length} HTTP attempts, ${requestMs.toFixed(0)} ms of request time (median ${median.toFixed(1)} ms), none of it inside emit()`,
);
line(
  "wall clock",
  `${(tally.lastDeliveredAt - firstEmitAt).toFixed(0)} ms from first emit to last acknowledgement, ${humanPauseMs} ms of it simulated human review`,
  "dim",
);
line(
  "shutdown",
  `close() drained ${pendingAtClose} pending deliveries in ${closeMs.toFixed(1)} ms${report.timedOut ? " (deadline hit)" : ""}; ` +
    `stats: delivered ${stats.delivered}, attempts ${stats.attempts}, retries ${stats.retries}, ` +
    `failed ${stats.failed}, dropped ${stats.dropped}, queued ${stats.queued}, in flight ${stats.inFlight}`,
  "dim",
);

const ok =
  undelivered === 0 &&
  !report.timedOut &&
  stats.delivered === expected &&
  tally.delivered === expected &&
  tally.verified === expected &&
  rejected === receivers.length &&
  stragglerOk &&
  tally.deadLetters === 0 &&
  slackMessages.length === slackExpected &&
  crash.ok;
if (!ok) out(paint("red", "demo: something went wrong, see the rows above"));
clearTimeout(watchdog);
process.exitCode = ok ? 0 : 1;
