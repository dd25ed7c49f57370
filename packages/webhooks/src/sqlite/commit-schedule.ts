/**
 * When the SQLite store commits: new events on the next turn of the event
 * loop (at most one commit per MIN_COMMIT_GAP_MS), attempt records within
 * SETTLE_COMMIT_MS, and `persisted()` callers
 * when the commit that covers them is done.
 *
 * @module
 */

/** Longest wait of an attempt record for its commit (see settleLater). */
const SETTLE_COMMIT_MS = 10;
/** Shortest time between two scheduled commits (see soon). */
const MIN_COMMIT_GAP_MS = 5;

export class CommitSchedule {
  private readonly commit: () => void;
  private soonPending = false;
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private lastCommitAt = Number.NEGATIVE_INFINITY;
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private readonly commitSoon = () => {
    this.soonPending = false;
    this.commit();
  };
  private readonly commitLater = () => {
    this.settleTimer = undefined;
    this.commit();
  };

  constructor(commit: () => void) {
    this.commit = commit;
  }

  /**
   * Commits on the next turn of the event loop (setImmediate), once for any
   * number of calls; within MIN_COMMIT_GAP_MS of the last commit, when that
   * gap is over. A steady stream of emits then costs a commit every 5 ms
   * instead of one per turn (a commit has a fixed cost of tens of µs), and
   * a burst after a quiet spell is still committed on the next turn.
   */
  soon(): void {
    if (this.soonPending) return;
    this.soonPending = true;
    const wait = this.lastCommitAt + MIN_COMMIT_GAP_MS - performance.now();
    if (wait > 0) setTimeout(this.commitSoon, wait);
    else setImmediate(this.commitSoon);
  }

  /**
   * Attempt records and settlements wait up to SETTLE_COMMIT_MS for a
   * commit, so that under load many rounds share one transaction instead of
   * a commit per tick. Nothing owed can be lost by the wait: a crash inside
   * it leaves those deliveries pending in the file, and they are sent again
   * (at least once).
   */
  settleLater(): void {
    if (this.soonPending || this.settleTimer !== undefined) return;
    this.settleTimer = setTimeout(this.commitLater, SETTLE_COMMIT_MS);
  }

  /** A commit is starting: a pending settle timer has nothing left to do. */
  starting(): void {
    this.lastCommitAt = performance.now();
    if (this.settleTimer === undefined) return;
    clearTimeout(this.settleTimer);
    this.settleTimer = undefined;
  }

  /** Resolves after the next commit (rejects when it fails), which it schedules. */
  wait(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      this.soon();
    });
  }

  /** A commit ended: tells every waiter how. */
  done(error?: unknown): void {
    if (this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) {
      if (error === undefined) waiter.resolve();
      else waiter.reject(error);
    }
  }
}
