/**
 * What one endpoint owes that is in the file only: a count, and bounds that
 * let the window answer `nextDueAt` and `pendingBefore` without reading the
 * file. The rows themselves are paged in by `refillWindow`.
 *
 * @module
 */
export class DiskBacklog {
  /** Pending rows in the file that are not in memory (not waiting, leased or buffered). */
  count = 0;
  /** At or before the earliest due time among those rows. */
  dueHint = Number.POSITIVE_INFINITY;
  /**
   * At or before the acceptance order (`PendingEntry.order`) of every one of
   * those rows: a row paged in gets it, so a flush mark errs towards "owed".
   */
  orderFloor = Number.POSITIVE_INFINITY;

  /** A row that went to the file without entering the window (or left it). */
  add(dueAt: number, order: number): void {
    this.count++;
    if (dueAt < this.dueHint) this.dueHint = dueAt;
    if (order < this.orderFloor) this.orderFloor = order;
  }

  /** Rows found in the file at open, the earliest due at `due`: accepted before any mark of this process. */
  resume(count: number, due: number): void {
    this.count += count;
    this.dueHint = Math.min(this.dueHint, due);
    this.orderFloor = 0;
  }

  /** Every pending row of the endpoint is in memory again. */
  clear(): void {
    this.count = 0;
    this.dueHint = Number.POSITIVE_INFINITY;
    this.orderFloor = Number.POSITIVE_INFINITY;
  }
}
