/**
 * The deadline of a running `close()`.
 *
 * @module
 */

/**
 * The deadline of a running `close()`: a later `close({ deadlineMs })` can
 * bring it forward, never push it back.
 *
 * @example
 * ```ts
 * const deadline = new CloseDeadline();
 * deadline.shorten(5000);
 * const timedOut = await deadline.race(flushed);
 * ```
 */
export class CloseDeadline {
  private at = Number.POSITIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private hit: (() => void) | undefined;
  private passed = false;

  /** Sets the deadline to `deadlineMs` from now, if that is sooner; `undefined` changes nothing. */
  shorten(deadlineMs: number | undefined): void {
    if (deadlineMs === undefined) return;
    const at = performance.now() + deadlineMs;
    if (at >= this.at) return;
    this.at = at;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.passed = true;
      this.hit?.();
    }, deadlineMs);
  }

  /** Waits for `done` or the deadline; resolves `true` when the deadline came first. */
  async race(done: Promise<void>): Promise<boolean> {
    if (this.passed) return true;
    const deadline = new Promise<true>((resolve) => {
      this.hit = () => resolve(true);
    });
    const timedOut = await Promise.race([done.then(() => false), deadline]);
    clearTimeout(this.timer);
    return timedOut;
  }
}
