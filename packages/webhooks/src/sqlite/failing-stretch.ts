/**
 * A stretch of failing commits (disk full, I/O error, read-only file): when
 * it began, and the timer that tries the commit again until the disk takes
 * it. Reported once when it begins and once when it ends, never per commit.
 *
 * @module
 */

/** First wait before a failed commit is tried again; doubles up to RETRY_MAX_MS. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5000;

export class FailingStretch {
  private readonly retry: () => void;
  private since: number | undefined;
  private delay = RETRY_FIRST_MS;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(retry: () => void) {
    this.retry = retry;
  }

  /** Whether the last commit failed. */
  get failing(): boolean {
    return this.since !== undefined;
  }

  /** A commit failed: arms the next try. Returns true when this begins a stretch (report it). */
  failed(now: number): boolean {
    const begins = this.since === undefined;
    if (begins) {
      this.since = now;
      this.delay = RETRY_FIRST_MS;
    }
    if (this.timer === undefined) {
      this.timer = setTimeout(this.fire, this.delay);
      this.delay = Math.min(this.delay * 2, RETRY_MAX_MS);
    }
    return begins;
  }

  /** A commit succeeded. Returns when the stretch began, when this ends one. */
  succeeded(): number | undefined {
    const since = this.since;
    this.since = undefined;
    this.stop();
    return since;
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.retry();
  };
}
