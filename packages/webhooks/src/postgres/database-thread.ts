/**
 * The store's side of the database thread: queries go out as messages and
 * come back as row arrays, either later (a promise, or a callback: commits,
 * window refills) or synchronously, blocking this thread until the answer
 * (open, get, list, endpoint admin: the calls the synchronous DeliveryStore
 * interface makes outside the hot path). The thread answers in the order it
 * was asked, and a synchronous call first takes in every answer to a request
 * sent before it, so a callback of an earlier request has run by the time a
 * synchronous call returns (a refill in flight is applied before the next).
 *
 * @module
 */
import { createRequire } from "node:module";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";
import { WORKER_SOURCE } from "./worker-source";

/** One statement; `values` are its `$n` parameters. */
export interface Statement {
  readonly text: string;
  readonly values?: readonly unknown[];
}

/** A database error as the thread reports it: message and SQLSTATE code. */
export class DatabaseFault extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
    this.name = "DatabaseFault";
  }
}

type Rows = unknown[][];
type Reply =
  | { n: number; ok: true; results: Rows[] }
  | { n: number; ok: false; error: { message: string; code?: string } };
type Pending = { resolve(results: Rows[]): void; reject(error: Error): void };
/** Called with the error, or with each statement's rows, as soon as the answer is taken in. */
export type Answered = (error: Error | undefined, results: Rows[]) => void;

/** What the thread tells the store besides answers. */
export interface ThreadEvents {
  notify(payload: string): void;
  listening(up: boolean): void;
}

export class DatabaseThread {
  private readonly worker: Worker;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private readonly sync = new MessageChannel();
  /** Answers to the requests that are not synchronous, in the order they were asked. */
  private readonly answers = new MessageChannel();
  private readonly pending = new Map<number, Pending>();
  private n = 0;
  private closed: (() => void) | undefined;

  constructor(
    config: Record<string, unknown>,
    channel: string,
    readonly syncTimeoutMs: number,
    events: ThreadEvents,
  ) {
    const pgPath = createRequire(import.meta.url).resolve("pg");
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { pgPath, config, channel },
    });
    this.worker.unref();
    const { port2: answers } = this.answers;
    this.worker.postMessage(
      { kind: "init", port: this.sync.port2, answers, flag: this.flag.buffer },
      [this.sync.port2, answers],
    );
    this.answers.port1.on("message", (reply: Reply) => this.settle(reply));
    this.answers.port1.unref();
    this.worker.on(
      "message",
      (message: Reply | { kind: string; payload?: string; up?: boolean }) => {
        if ("n" in message) return this.settle(message);
        if (message.kind === "notify") events.notify(message.payload ?? "");
        else if (message.kind === "listen") events.listening(message.up === true);
        else if (message.kind === "closed") this.closed?.();
      },
    );
    this.worker.on("error", (error) => this.failAll(error));
  }

  /** Starts the LISTEN connection (reconnecting by itself until close). */
  listen(): void {
    this.worker.postMessage({ kind: "listen" });
  }

  /** Runs the statements in order (in one transaction when `tx`) and resolves with each one's rows. */
  run(steps: readonly Statement[], tx = false): Promise<Rows[]> {
    return new Promise((resolve, reject) => this.send(steps, tx, { resolve, reject }));
  }

  /** Like `run`, but `answered` runs as the answer is taken in (not a turn later, as a promise would). */
  submit(steps: readonly Statement[], answered: Answered): void {
    this.send(steps, false, {
      resolve: (results) => answered(undefined, results),
      reject: (error) => answered(error, []),
    });
  }

  private send(steps: readonly Statement[], tx: boolean, pending: Pending): void {
    const n = ++this.n;
    this.pending.set(n, pending);
    this.worker.ref();
    this.answers.port1.ref();
    this.worker.postMessage({ n, sync: false, tx, steps });
  }

  /**
   * Like `run`, but blocks this thread until the answer, after every request
   * sent before it. Throws DatabaseFault on a database error or after
   * `timeoutMs` (default `syncTimeoutMs`).
   */
  runSync(steps: readonly Statement[], tx = false, timeoutMs = this.syncTimeoutMs): Rows[] {
    const n = ++this.n;
    this.worker.postMessage({ n, sync: true, tx, steps });
    const deadline = Date.now() + timeoutMs;
    try {
      for (;;) {
        for (let m = receiveMessageOnPort(this.sync.port1); m !== undefined; ) {
          const message = m.message as Reply;
          // Anything else is the late answer of a request that timed out.
          if (message.n === n) {
            if (message.ok) return message.results;
            throw new DatabaseFault(message.error.message, message.error.code);
          }
          m = receiveMessageOnPort(this.sync.port1);
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new DatabaseFault(`no answer within ${timeoutMs} ms`, "timeout");
        Atomics.wait(this.flag, 0, Atomics.load(this.flag, 0), left);
      }
    } finally {
      // Every earlier request was answered before this one: take those answers in first.
      this.takeAnswers();
    }
  }

  /** Ends both connections and the thread. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      this.closed = resolve;
    });
    this.worker.ref();
    this.worker.postMessage({ kind: "close" });
    await closed;
    // Answers can still be queued behind "closed", which came on another channel.
    this.takeAnswers();
    await this.worker.terminate();
    this.sync.port1.close();
    this.answers.port1.close();
  }

  /** Settles, in order, every answer to a background request that has arrived. */
  private takeAnswers(): void {
    for (let m = receiveMessageOnPort(this.answers.port1); m !== undefined; ) {
      this.settle(m.message as Reply);
      m = receiveMessageOnPort(this.answers.port1);
    }
  }

  private settle(reply: Reply): void {
    const pending = this.pending.get(reply.n);
    if (pending === undefined) return;
    this.pending.delete(reply.n);
    // Once close() has begun the thread stays referenced until it says "closed": a late answer
    // must not let the event loop run dry while close() still waits (Node then exits with 13).
    if (this.pending.size === 0 && this.closed === undefined) {
      this.worker.unref();
      this.answers.port1.unref();
    }
    if (reply.ok) pending.resolve(reply.results);
    else pending.reject(new DatabaseFault(reply.error.message, reply.error.code));
  }

  private failAll(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
