/**
 * The owner's background work, on unref'd timers so it never keeps a process
 * alive: the heartbeat (which also commits), redelivery requests written by
 * other processes, and pruning in bounded batches.
 *
 * @module
 */
import type { SqliteDatabase } from "./driver/sqlite-driver";
import type { ResolvedSqliteOptions } from "./sqlite-store-options";

export interface MaintenanceTasks {
  /** Commits, refreshing the owner row even when nothing is buffered. */
  heartbeat(): void;
  /** Redelivers a settled delivery; false when unknown or still pending. */
  redeliver(id: string): boolean;
  /** Deletes one batch of expired rows; returns how many. */
  prune(): number;
  /** Tells the dispatcher that deliveries became pending. */
  wake(): void;
  /** A background step failed on the file (disk full, I/O error): reported, never thrown into a timer. */
  failed(error: unknown): void;
}

/** Batches per pruning run; the rest waits for the next interval. */
const MAX_BATCHES_PER_RUN = 100;

export class StoreMaintenance {
  private readonly options: ResolvedSqliteOptions;
  private readonly tasks: MaintenanceTasks;
  private readonly nextRequests;
  private readonly deleteRequests;
  private timers: NodeJS.Timeout[] = [];
  private pruning: NodeJS.Immediate | undefined;

  constructor(db: SqliteDatabase, options: ResolvedSqliteOptions, tasks: MaintenanceTasks) {
    this.options = options;
    this.tasks = tasks;
    this.nextRequests = db.prepare(
      "SELECT seq, delivery_id FROM requests WHERE kind = 'redeliver' ORDER BY seq LIMIT 100",
    );
    this.deleteRequests = db.prepare("DELETE FROM requests WHERE seq <= ?");
  }

  start(): void {
    this.applyRequests();
    const poll = setInterval(
      this.guarded(() => {
        this.tasks.heartbeat();
        this.applyRequests();
      }),
      this.options.pollIntervalMs,
    );
    const prune = setInterval(() => this.startPruning(), this.options.pruneIntervalMs);
    // A first pass soon after opening, so a file left alone for weeks shrinks at once.
    const first = setTimeout(() => this.startPruning(), 1000);
    this.timers = [poll, prune, first];
    for (const timer of this.timers) timer.unref();
  }

  stop(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    if (this.pruning !== undefined) clearImmediate(this.pruning);
    this.pruning = undefined;
  }

  /** Redelivers what other processes asked for, then forgets the requests. */
  applyRequests(): void {
    const requests = this.nextRequests.all() as { seq: number; delivery_id: string }[];
    if (requests.length === 0) return;
    let redelivered = 0;
    for (const request of requests) if (this.tasks.redeliver(request.delivery_id)) redelivered++;
    // Commit the redeliveries before the requests go, so a crash in between repeats a request instead of losing it.
    this.tasks.heartbeat();
    this.deleteRequests.run((requests[requests.length - 1] as { seq: number }).seq);
    if (redelivered > 0) this.tasks.wake();
  }

  /** `work` for a timer: what it throws goes to `failed`, never into the event loop. */
  private guarded(work: () => void): () => void {
    return () => {
      try {
        work();
      } catch (error) {
        this.tasks.failed(error);
      }
    };
  }

  private startPruning(): void {
    if (this.pruning !== undefined) return;
    let batches = 0;
    const step = this.guarded(() => {
      this.pruning = undefined;
      const full = this.tasks.prune() >= this.options.pruneBatchSize;
      if (full && ++batches < MAX_BATCHES_PER_RUN) {
        this.pruning = setImmediate(step);
        this.pruning.unref();
      }
    });
    this.pruning = setImmediate(step);
    this.pruning.unref();
  }
}
