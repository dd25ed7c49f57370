/**
 * The minted pending deliveries of one endpoint. Internal to the memory store.
 *
 * @module
 */
import type { MemoryDelivery } from "./memory-delivery";

/**
 * An unordered array with O(1) add and remove (swap with the last): each
 * delivery remembers its slot. Every delivery passes through it once, so it
 * avoids the hashing and table resizing a `Set` would cost per delivery.
 *
 * @example
 * ```ts
 * const held = new HeldList();
 * held.add(delivery);
 * held.remove(delivery);
 * ```
 */
export class HeldList {
  private readonly items: MemoryDelivery[] = [];

  get size(): number {
    return this.items.length;
  }

  add(delivery: MemoryDelivery): void {
    if (delivery.heldIndex >= 0) return;
    delivery.heldIndex = this.items.length;
    this.items.push(delivery);
  }

  remove(delivery: MemoryDelivery): void {
    const index = delivery.heldIndex;
    if (index < 0) return;
    const last = this.items.pop() as MemoryDelivery;
    if (last !== delivery) {
      this.items[index] = last;
      last.heldIndex = index;
    }
    delivery.heldIndex = -1;
  }

  values(): readonly MemoryDelivery[] {
    return this.items;
  }
}
