/**
 * Which settled deliveries a MemoryStore still knows: the last `maxDead`
 * dead letters and the last `maxDelivered` delivered deliveries, oldest
 * forgotten first.
 *
 * @module
 */
import type { MemoryDelivery } from "./memory-delivery";
import { RingBuffer } from "./ring-buffer";

export class SettledHistory {
  /** Settled deliveries in the order they settled, per status, to forget the oldest first. */
  private readonly order: Record<"delivered" | "dead", RingBuffer<MemoryDelivery> | undefined>;
  /** The store's map of every delivery it knows; a forgotten delivery leaves it. */
  private readonly byId: Map<string, MemoryDelivery>;

  constructor(maxDead: number, maxDelivered: number, byId: Map<string, MemoryDelivery>) {
    this.order = {
      dead: maxDead > 0 ? new RingBuffer(maxDead) : undefined,
      delivered: maxDelivered > 0 ? new RingBuffer(maxDelivered) : undefined,
    };
    this.byId = byId;
  }

  /** Keeps a delivery that just settled with `status`, forgetting the oldest one it pushes out. */
  keep(delivery: MemoryDelivery, status: "delivered" | "dead"): void {
    const ring = this.order[status];
    if (ring === undefined) {
      // Kept only while an earlier settlement still holds it in the other ring.
      if (delivery.settledEntries === 0) this.byId.delete(delivery.id);
      return;
    }
    this.byId.set(delivery.id, delivery);
    delivery.settledEntries++;
    const forgotten = ring.pushEvicting(delivery);
    if (forgotten === undefined) return;
    forgotten.settledEntries--;
    // Still in a ring from a later settlement, or redelivered meanwhile: keep it.
    if (forgotten.settledEntries === 0 && forgotten.status !== "pending") {
      this.byId.delete(forgotten.id);
    }
  }
}
