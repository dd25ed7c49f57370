/**
 * Retention of a PostgresStore, as SqliteStore's: settled deliveries are
 * deleted with their attempts once older than `retention.delivered` or
 * `retention.dead`, a bounded batch per statement, in the background every
 * `pruneIntervalMs` and soon after opening. Every process prunes; rows one is
 * deleting are skipped by the others. A failed pass waits for the next one
 * (the commit loop reports an unreachable database).
 *
 * @module
 */
import type { DatabaseThread } from "./database-thread";

/** Batches per pruning run; the rest waits for the next interval. */
const MAX_BATCHES_PER_RUN = 100;

export interface PruneOptions {
  readonly retainDeliveredMs: number;
  readonly retainDeadMs: number;
  readonly pruneIntervalMs: number;
  readonly pruneBatchSize: number;
}

export class RowPruner {
  private timers: NodeJS.Timeout[] = [];
  private running = false;
  private stopped = false;

  constructor(
    private readonly thread: DatabaseThread,
    private readonly sql: string,
    private readonly options: PruneOptions,
    private readonly now: () => number,
  ) {}

  start(): void {
    const interval = setInterval(() => void this.run(), this.options.pruneIntervalMs);
    // A first pass soon after opening, so a table left alone for weeks is pruned at once.
    const first = setTimeout(() => void this.run(), 1000);
    this.timers = [interval, first];
    for (const timer of this.timers) timer.unref();
  }

  stop(): void {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
  }

  /** Deletes batches until one is not full (at most MAX_BATCHES_PER_RUN); resolves with the rows deleted. */
  async run(): Promise<number> {
    if (this.running) return 0;
    this.running = true;
    let deleted = 0;
    try {
      for (let batch = 0; batch < MAX_BATCHES_PER_RUN && !this.stopped; batch++) {
        const { retainDeliveredMs, retainDeadMs, pruneBatchSize } = this.options;
        const now = this.now();
        const values = [now - retainDeliveredMs, now - retainDeadMs, pruneBatchSize];
        const [rows = []] = await this.thread.run([{ text: this.sql, values }]);
        const count = Number(rows[0]?.[0] ?? 0);
        deleted += count;
        if (count < pruneBatchSize) break;
      }
    } catch {
      // The next interval tries again.
    } finally {
      this.running = false;
    }
    return deleted;
  }
}
