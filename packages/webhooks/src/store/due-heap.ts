/**
 * Minted pending deliveries that wait for a time (retries, redeliveries),
 * earliest first. Internal to the memory store.
 *
 * @module
 */
import type { MemoryDelivery } from "./memory-delivery";

function before(a: MemoryDelivery, b: MemoryDelivery): boolean {
  const at = (a.nextAttemptAt ?? 0) - (b.nextAttemptAt ?? 0);
  return at < 0 || (at === 0 && a.seq < b.seq);
}

/**
 * A binary min-heap on `nextAttemptAt`, ties broken by acceptance order.
 *
 * @example
 * ```ts
 * const heap = new DueHeap();
 * heap.push(delivery);
 * if ((heap.peek()?.nextAttemptAt ?? Infinity) <= Date.now()) heap.pop();
 * ```
 */
export class DueHeap {
  private readonly items: MemoryDelivery[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): MemoryDelivery | undefined {
    return this.items[0];
  }

  push(delivery: MemoryDelivery): void {
    const items = this.items;
    items.push(delivery);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!before(delivery, items[parent] as MemoryDelivery)) break;
      items[index] = items[parent] as MemoryDelivery;
      index = parent;
    }
    items[index] = delivery;
  }

  pop(): MemoryDelivery | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child =
        right < items.length &&
        before(items[right] as MemoryDelivery, items[left] as MemoryDelivery)
          ? right
          : left;
      if (!before(items[child] as MemoryDelivery, last)) break;
      items[index] = items[child] as MemoryDelivery;
      index = child;
    }
    items[index] = last;
    return top;
  }

  /** Removes and returns every item, in no particular order. */
  drain(): MemoryDelivery[] {
    return this.items.splice(0);
  }

  values(): readonly MemoryDelivery[] {
    return this.items;
  }
}
