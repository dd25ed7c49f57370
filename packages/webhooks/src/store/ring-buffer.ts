/**
 * A bounded FIFO queue on a fixed array, so enqueueing never allocates.
 *
 * @module
 */

/**
 * Fixed-capacity FIFO. `push` on a full buffer fails (returns `false`) unless
 * the caller evicts first with `shift`; `removed` counts every item that ever
 * left the front, which gives each item a stable sequence number.
 *
 * @example
 * ```ts
 * const queue = new RingBuffer<string>(2);
 * queue.push("a");
 * queue.push("b");
 * queue.push("c"); // false: full
 * queue.shift(); // "a"
 * ```
 */
export class RingBuffer<T> {
  /** Maximum number of items held at once. */
  readonly capacity: number;
  /** Items that left the front so far (shifted or evicted); the next `shift` returns item number `removed`. */
  removed = 0;
  // Grows by doubling up to `capacity`, so a large limit costs nothing until used.
  private items: (T | undefined)[];
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new TypeError(
        `@attesta/webhooks: RingBuffer capacity must be a positive integer; got ${String(capacity)}.`,
      );
    }
    this.capacity = capacity;
    this.items = new Array<T | undefined>(Math.min(capacity, 16)).fill(undefined);
  }

  /** Number of items queued. */
  get length(): number {
    return this.count;
  }

  /** Appends `item`; returns `false` (and keeps nothing) when full. */
  push(item: T): boolean {
    const size = this.items.length;
    if (this.count === size) {
      if (size === this.capacity) return false;
      this.grow();
      return this.push(item);
    }
    let tail = this.head + this.count;
    if (tail >= size) tail -= size;
    this.items[tail] = item;
    this.count++;
    return true;
  }

  /**
   * Appends `item`; when full, evicts the oldest item to make room and
   * returns it (the same as `shift` then `push`, in one step).
   */
  pushEvicting(item: T): T | undefined {
    if (this.count < this.capacity) {
      this.push(item);
      return undefined;
    }
    // Full at capacity: the array is fully grown, so the tail slot is the head slot.
    const evicted = this.items[this.head];
    this.items[this.head] = item;
    this.head = this.head + 1 === this.items.length ? 0 : this.head + 1;
    this.removed++;
    return evicted;
  }

  /** Removes and returns the oldest item, or `undefined` when empty. */
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const item = this.items[this.head];
    // Release the slot so a dropped or delivered event can be collected.
    this.items[this.head] = undefined;
    this.head = this.head + 1 === this.items.length ? 0 : this.head + 1;
    this.count--;
    this.removed++;
    return item;
  }

  /** The item `index` places behind the front (0 is the next `shift`), or `undefined` past the end. */
  at(index: number): T | undefined {
    if (index < 0 || index >= this.count) return undefined;
    return this.items[(this.head + index) % this.items.length];
  }

  /** Replaces the item `index` places behind the front; does nothing past the end. */
  replace(index: number, item: T): void {
    if (index < 0 || index >= this.count) return;
    this.items[(this.head + index) % this.items.length] = item;
  }

  private grow(): void {
    const size = this.items.length;
    const next = new Array<T | undefined>(Math.min(this.capacity, size * 2)).fill(undefined);
    for (let i = 0; i < this.count; i++) next[i] = this.items[(this.head + i) % size];
    this.items = next;
    this.head = 0;
  }

  /** Removes and returns every queued item, oldest first. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }
}
