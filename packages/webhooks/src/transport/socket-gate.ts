/**
 * A counting semaphore for sockets: undici caps connections per origin, not
 * across origins, so the shared agent takes a slot here before it opens any
 * socket and gives it back when the socket closes.
 *
 * @module
 */

interface Waiter {
  readonly granted: (release: () => void) => void;
  readonly failed: (error: Error) => void;
  timer: ReturnType<typeof setTimeout> | undefined;
  done: boolean;
}

/** The error a connect gets when no socket slot frees up in time, or the gate closed. */
export class SocketCapError extends Error {
  override name = "SocketCapError";
  readonly code = "ERR_ATTESTA_SOCKET_CAP";
}

/**
 * Hands out at most `limit` slots; further requests wait in FIFO order, each
 * for at most its own `maxWaitMs`.
 *
 * @example
 * ```ts
 * const gate = new SocketGate(256);
 * gate.acquire(10_000, (release) => openSocket().once("close", release), (error) => fail(error));
 * ```
 */
export class SocketGate {
  private used = 0;
  private highest = 0;
  private waiters: Waiter[] = [];
  private head = 0;
  private pending = 0;
  private closed = false;

  /** `onFull` runs when a connect has to wait, so an idle socket can be closed to make room. */
  constructor(
    readonly limit: number,
    private readonly onFull: () => void = () => {},
  ) {}

  /** Slots held now (open or opening sockets). */
  get open(): number {
    return this.used;
  }

  /** The most slots ever held at once. */
  get peak(): number {
    return this.highest;
  }

  /** Connects waiting for a slot. */
  get waiting(): number {
    return this.pending;
  }

  /** Calls `granted` with a once-only `release` when a slot is free, or `failed` after `maxWaitMs`. */
  acquire(
    maxWaitMs: number,
    granted: (release: () => void) => void,
    failed: (error: Error) => void,
  ): void {
    if (this.closed) {
      failed(new SocketCapError("@attesta/webhooks: the connection pool is closed"));
      return;
    }
    const waiter: Waiter = { granted, failed, timer: undefined, done: false };
    this.waiters.push(waiter);
    this.pending++;
    this.next();
    if (waiter.done) return;
    this.onFull();
    if (waiter.done) return;
    waiter.timer = setTimeout(() => {
      waiter.done = true;
      this.pending--;
      failed(
        new SocketCapError(
          `@attesta/webhooks: no socket became free within ${maxWaitMs} ms (all ${this.limit} in use). ` +
            "Fix: raise maxSockets, or lower per-endpoint concurrency.",
        ),
      );
    }, maxWaitMs);
    waiter.timer.unref?.();
  }

  /** Fails every waiting connect; slots already held are released as their sockets close. */
  close(): void {
    this.closed = true;
    for (const waiter of this.waiters.splice(this.head)) {
      if (waiter.done) continue;
      waiter.done = true;
      this.pending--;
      clearTimeout(waiter.timer);
      waiter.failed(new SocketCapError("@attesta/webhooks: the connection pool is closed"));
    }
    this.waiters = [];
    this.head = 0;
  }

  private grant(granted: (release: () => void) => void): void {
    this.used++;
    if (this.used > this.highest) this.highest = this.used;
    let released = false;
    granted(() => {
      if (released) return;
      released = true;
      this.used--;
      this.next();
    });
  }

  private next(): void {
    while (this.head < this.waiters.length && this.used < this.limit) {
      const waiter = this.waiters[this.head++] as Waiter;
      if (waiter.done) continue;
      waiter.done = true;
      this.pending--;
      clearTimeout(waiter.timer);
      this.grant(waiter.granted);
    }
    if (this.head > 1024 && this.head * 2 > this.waiters.length) {
      this.waiters = this.waiters.slice(this.head);
      this.head = 0;
    }
  }
}
