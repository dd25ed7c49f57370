/**
 * Promises that resolve once a condition holds, re-checked on demand.
 *
 * @module
 */

interface Waiter {
  readonly done: () => boolean;
  readonly resolve: () => void;
}

/**
 * What `flush()` and `close()` wait on: each waiter's condition is checked
 * again whenever something settles, so no polling timer runs.
 *
 * @example
 * ```ts
 * const waiters = new Waiters();
 * const idle = waiters.waitFor(() => running === 0);
 * running--;
 * waiters.check();
 * ```
 */
export class Waiters {
  private list: Waiter[] = [];

  /** Whether anyone waits; lets hot paths skip `check`. */
  get waiting(): boolean {
    return this.list.length > 0;
  }

  /** Resolves at once if `done()` holds, else after the `check` that finds it true. */
  waitFor(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.list.push({ done, resolve }));
  }

  /**
   * Like `waitFor`, bounded: resolves `true` once `deadlineMs` passed first,
   * and then forgets the condition, so a flush that timed out leaves nothing
   * behind.
   */
  waitWithin(done: () => boolean, deadlineMs: number): Promise<boolean> {
    if (done()) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.list = this.list.filter((other) => other !== waiter);
        resolve(true);
      }, deadlineMs);
      const waiter: Waiter = {
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve(false);
        },
      };
      this.list.push(waiter);
    });
  }

  /** Resolves every waiter whose condition now holds. */
  check(): void {
    if (this.list.length === 0) return;
    const still: Waiter[] = [];
    for (const waiter of this.list) {
      if (waiter.done()) waiter.resolve();
      else still.push(waiter);
    }
    this.list = still;
  }
}
