/**
 * The code of the database thread, as CommonJS source for an `eval` worker:
 * a built file cannot be located reliably from every bundler's output, and
 * the thread needs only `pg` and a message loop. Every query of a store runs
 * here, one after another on one connection, so a synchronous read queued
 * behind a commit sees that commit.
 *
 * @module
 */

/** Runs in the worker; `workerData` is `{ pgPath, config, channel }`. */
export const WORKER_SOURCE = `
"use strict";
const { parentPort, workerData } = require("node:worker_threads");
const pg = require(workerData.pgPath);
const { config, channel } = workerData;
let client;
let syncPort;
let answersPort;
let flag;

async function connection() {
  if (client !== undefined) return client;
  const next = new pg.Client(config);
  next.on("error", () => { if (client === next) client = undefined; });
  try {
    await next.connect();
  } catch (error) {
    next.end().catch(() => {});
    throw error;
  }
  client = next;
  return next;
}

function drop(db) {
  if (client !== db) return;
  client = undefined;
  db.end().catch(() => {});
}

function failure(error) {
  return { message: String(error && error.message || error), code: error && error.code };
}

async function run(request) {
  const db = await connection();
  const results = [];
  if (request.tx) await db.query("BEGIN");
  try {
    for (const step of request.steps) {
      const result = await db.query({ text: step.text, values: step.values, rowMode: "array" });
      results.push(result.rows);
    }
    if (request.tx) await db.query("COMMIT");
  } catch (error) {
    if (request.tx) await db.query("ROLLBACK").catch(() => {});
    // Not an error of the statement: the connection is gone or unusable; the next request reconnects.
    const code = String((error && error.code) || "");
    if (!/^[0-9A-Z]{5}$/.test(code) || /^(08|57)/.test(code)) drop(db);
    throw error;
  }
  return results;
}

let chain = Promise.resolve();
function answer(request, reply) {
  if (!request.sync) return answersPort.postMessage(reply);
  syncPort.postMessage(reply);
  Atomics.store(flag, 0, request.n);
  Atomics.notify(flag, 0);
}

let listener;
let listening = false;
async function listen() {
  if (listening || channel === undefined) return;
  listening = true;
  const next = new pg.Client(config);
  const lost = () => {
    if (listener !== next) return;
    listener = undefined;
    listening = false;
    parentPort.postMessage({ kind: "listen", up: false });
    setTimeout(listen, 500).unref();
  };
  next.on("error", lost);
  next.on("end", lost);
  next.on("notification", (m) => parentPort.postMessage({ kind: "notify", payload: m.payload }));
  listener = next;
  try {
    await next.connect();
    await next.query('LISTEN "' + channel + '"');
    parentPort.postMessage({ kind: "listen", up: true });
  } catch {
    next.end().catch(() => {});
    lost();
  }
}

parentPort.on("message", (request) => {
  if (request.kind === "init") {
    syncPort = request.port;
    answersPort = request.answers;
    flag = new Int32Array(request.flag);
    return;
  }
  if (request.kind === "listen") return void listen();
  if (request.kind === "close") {
    chain = chain.then(async () => {
      const ending = [client, listener].filter(Boolean);
      client = listener = undefined;
      await Promise.all(ending.map((c) => c.end().catch(() => {})));
      parentPort.postMessage({ kind: "closed" });
    });
    return;
  }
  chain = chain.then(() =>
    run(request).then(
      (results) => answer(request, { n: request.n, ok: true, results }),
      (error) => answer(request, { n: request.n, ok: false, error: failure(error) }),
    ),
  );
});
`;
