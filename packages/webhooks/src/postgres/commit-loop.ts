/**
 * When a PostgresStore's buffered writes go out: one batch in flight at a
 * time, the next one taken as soon as it returns, so a steady stream of emits
 * batches itself by the round-trip time. A failed batch stays owed and is
 * tried again with a growing pause; `persisted()` waiters of that batch are
 * told the cause.
 *
 * @module
 */
import type { DatabaseThread, Statement } from "./database-thread";
import type { Batch, WriteBuffer } from "./write-buffer";

interface Waiter {
  readonly target: number;
  resolve(): void;
  reject(error: unknown): void;
}

export interface CommitHooks {
  /** The first failure of a stretch (later ones stay quiet until a commit succeeds). */
  failing(error: unknown): void;
  /** A commit succeeded after a failing stretch that began at `since` (epoch ms). */
  recovered(since: number): void;
  committed(batch: Batch): void;
}

export class CommitLoop {
  private taken = 0;
  private inFlight = false;
  /** The number of the batch in flight (a sync commit may have taken later ones since). */
  private flying = 0;
  private scheduled = false;
  private inFailingStretch = false;
  private pause = 0;
  /** When the failing stretch began, and its last cause. */
  private failingSince = 0;
  private lastError: unknown;
  /** New rows of the batch in flight. */
  private inFlightRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private waiters: Waiter[] = [];

  constructor(
    private readonly thread: DatabaseThread,
    /** The batch as its one commit statement. */
    private readonly statement: (batch: Batch) => Statement,
    private readonly buffer: WriteBuffer,
    private readonly hooks: CommitHooks,
  ) {}

  /** Whether the last commit failed (the database is unreachable or refusing). */
  get failing(): boolean {
    return this.inFailingStretch;
  }

  /** New rows not committed yet: buffered, or in the batch in flight. */
  get uncommitted(): number {
    return this.buffer.newRows + this.inFlightRows;
  }

  /** The cause of the failing stretch under way; undefined when commits succeed. */
  get failure(): unknown {
    return this.inFailingStretch ? this.lastError : undefined;
  }

  /** Commits on a later turn (now, or after the pause of a failing stretch). */
  soon(): void {
    if (this.scheduled || this.inFlight || this.timer !== undefined) return;
    this.scheduled = true;
    setImmediate(this.run);
  }

  /** Resolves once everything buffered now is committed; rejects with the cause of a failed try. */
  wait(): Promise<void> {
    if (this.buffer.empty && !this.inFlight) return Promise.resolve();
    // With nothing buffered, only the batch in flight is owed: `taken` may already
    // count a later batch that `commitNow` committed, whose waiters are settled.
    const target = this.buffer.empty ? this.flying : this.taken + 1;
    return new Promise((resolve, reject) => {
      this.waiters.push({ target, resolve, reject });
      this.soon();
    });
  }

  /** Commits what is buffered on the caller's stack (after any batch in flight). */
  commitNow(): void {
    if (this.buffer.empty) return;
    const batch = this.buffer.take();
    const n = ++this.taken;
    try {
      this.thread.runSync([this.statement(batch)]);
    } catch (error) {
      this.failed(batch, n, error);
      throw error;
    }
    this.succeeded(batch, n, true);
  }

  /** Stops retrying; what is still buffered stays unwritten. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly run = (): void => {
    this.scheduled = false;
    this.timer = undefined;
    if (this.inFlight || this.buffer.empty) return;
    const batch = this.buffer.take();
    const n = ++this.taken;
    this.inFlight = true;
    this.flying = n;
    this.inFlightRows = batch.inserts.length;
    this.thread.run([this.statement(batch)]).then(
      () => {
        this.inFlight = false;
        this.inFlightRows = 0;
        this.succeeded(batch, n, false);
        if (!this.buffer.empty) this.soon();
      },
      (error: unknown) => {
        this.inFlight = false;
        this.inFlightRows = 0;
        this.failed(batch, n, error);
        this.pause = Math.min(2000, Math.max(100, this.pause * 2));
        // Not unref'd: a process must not exit quietly while writes it accepted are unwritten.
        this.timer = setTimeout(this.run, this.pause);
      },
    );
  };

  private succeeded(batch: Batch, n: number, exact: boolean): void {
    this.buffer.committed(batch);
    this.pause = 0;
    if (this.inFailingStretch) {
      this.inFailingStretch = false;
      this.hooks.recovered(this.failingSince);
    }
    this.settle(n, exact, (waiter) => waiter.resolve());
    this.hooks.committed(batch);
  }

  private failed(batch: Batch, n: number, error: unknown): void {
    this.buffer.restore(batch);
    this.lastError = error;
    if (!this.inFailingStretch) {
      this.inFailingStretch = true;
      this.failingSince = Date.now();
      this.hooks.failing(error);
    }
    this.settle(n, false, (waiter) => waiter.reject(error));
  }

  /** Ends the waiters of batch `n` (and of earlier ones unless `exact`). */
  private settle(n: number, exact: boolean, end: (waiter: Waiter) => void): void {
    const keep: Waiter[] = [];
    for (const waiter of this.waiters) {
      if (waiter.target === n || (!exact && waiter.target < n)) end(waiter);
      else keep.push(waiter);
    }
    this.waiters = keep;
  }
}
