/**
 * The running attempts of one endpoint in deadline order, behind one timer.
 * Internal to the dispatcher.
 *
 * @module
 */

/** Something that must be told when `deadline` (a `performance.now()` time) passes. */
export interface Deadline {
  readonly deadline: number;
  /** Links owned by the list. */
  prev: Deadline | undefined;
  next: Deadline | undefined;
  /** Called once, when the deadline passed while the entry was still listed. */
  expire(): void;
}

/**
 * An intrusive doubly linked list of entries that all get the same timeout,
 * so appending keeps it sorted by deadline. One timer, armed for the head,
 * replaces a timer per entry: under load entries settle long before their
 * deadline, so adding and removing them costs no timer call at all, and
 * the timer only wakes up about once per timeout.
 *
 * @example
 * ```ts
 * const list = new DeadlineList();
 * list.add(entry); // entry.deadline = performance.now() + timeoutMs
 * list.remove(entry); // settled in time: entry.expire() is never called
 * ```
 */
export class DeadlineList {
  private head: Deadline | undefined;
  private tail: Deadline | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** Appends `entry`; its deadline must not be earlier than any listed one. */
  add(entry: Deadline): void {
    entry.prev = this.tail;
    entry.next = undefined;
    if (this.tail === undefined) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    if (this.timer === undefined) this.arm(entry.deadline - performance.now());
  }

  /** Unlists `entry`; does nothing when it is not listed. */
  remove(entry: Deadline): void {
    if (entry.prev === undefined && this.head !== entry) return;
    if (entry.prev === undefined) this.head = entry.next;
    else entry.prev.next = entry.next;
    if (entry.next === undefined) this.tail = entry.prev;
    else entry.next.prev = entry.prev;
    entry.prev = undefined;
    entry.next = undefined;
    // Nothing left to time: a pending timer must not keep the process alive.
    if (this.head === undefined && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Unlists every entry and returns them, earliest deadline first; `expire` is not called. */
  removeAll(): Deadline[] {
    const entries: Deadline[] = [];
    for (let entry = this.head; entry !== undefined; entry = this.head) {
      this.remove(entry);
      entries.push(entry);
    }
    return entries;
  }

  private arm(delayMs: number): void {
    this.timer = setTimeout(this.sweep, Math.max(delayMs, 0));
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    const now = performance.now();
    for (let entry = this.head; entry !== undefined && entry.deadline <= now; entry = this.head) {
      this.remove(entry);
      entry.expire();
    }
    if (this.head !== undefined && this.timer === undefined) this.arm(this.head.deadline - now);
  };
}
