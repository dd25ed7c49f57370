/**
 * The background integrity check of a large SqliteStore file: `quick_check`
 * on a read-only connection of its own, in a worker thread, so the
 * dispatcher delivers while the whole file is read (seconds per GB). The
 * connection reads one snapshot (WAL), so the writer is never blocked; the
 * WAL cannot be checkpointed past that snapshot until the check ends.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { betterSqlite3Entry } from "./driver/better-sqlite3-driver";
import type { SqliteDriverName } from "./driver/sqlite-driver";

/** How the check ended: `problems` when the file is damaged, `error` when it could not run. */
export type IntegrityOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly problems: readonly string[] }
  | { readonly ok: false; readonly error: string };

// Runs in the worker (CommonJS, eval): loads the driver the store uses, reads
// every page, and posts what quick_check says. SQLITE_CORRUPT or NOTADB while
// reading is damage too.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const { path, driver, entry, busyTimeoutMs } = workerData;
let db;
try {
  let lines;
  if (driver === "node:sqlite") {
    const emitWarning = process.emitWarning;
    process.emitWarning = () => {};
    const { DatabaseSync } = process.getBuiltinModule("node:sqlite");
    process.emitWarning = emitWarning;
    db = new DatabaseSync(path, { readOnly: true });
    db.exec("PRAGMA busy_timeout = " + busyTimeoutMs);
    lines = db.prepare("PRAGMA quick_check(3)").all().map((row) => Object.values(row)[0]);
  } else {
    const Database = require(entry);
    db = new Database(path, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
    lines = db.prepare("PRAGMA quick_check(3)").pluck().all();
  }
  parentPort.postMessage(lines.length === 1 && lines[0] === "ok" ? { ok: true } : { ok: false, problems: lines.map(String) });
} catch (error) {
  const code = String((error && (error.code || error.errcode)) || "");
  const message = String((error && error.message) || error);
  parentPort.postMessage(/CORRUPT|NOTADB|malformed|not a database/i.test(code + " " + message)
    ? { ok: false, problems: [message] }
    : { ok: false, error: message });
} finally {
  try { if (db) db.close(); } catch {}
}
`;

/** One background check of the file at `path`; `done` gets its outcome once, unless stopped first. */
export class BackgroundIntegrityCheck {
  private worker: Worker | undefined;

  constructor(
    path: string,
    driver: SqliteDriverName,
    busyTimeoutMs: number,
    done: (outcome: IntegrityOutcome) => void,
  ) {
    const entry = driver === "better-sqlite3" ? betterSqlite3Entry() : "";
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { path, driver, entry, busyTimeoutMs },
      // A check in progress never keeps the process alive.
      stdout: true,
      stderr: true,
    });
    worker.unref();
    let reported = false;
    const report = (outcome: IntegrityOutcome) => {
      if (reported || this.worker === undefined) return;
      reported = true;
      this.worker = undefined;
      done(outcome);
    };
    worker.once("message", (outcome: IntegrityOutcome) => report(outcome));
    worker.once("error", (error) => report({ ok: false, error: String(error.message) }));
    worker.once("exit", () => report({ ok: false, error: "the check's worker thread exited" }));
    this.worker = worker;
  }

  /** Whether the check still runs. */
  get running(): boolean {
    return this.worker !== undefined;
  }

  /** Stops the check (the store closes); nothing is reported after this. */
  stop(): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
  }
}
