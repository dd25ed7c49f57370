/**
 * What the memory store owes one endpoint. Internal to the memory store.
 *
 * @module
 */

import type { DispatchableEvent } from "../dispatchable-event";
import type { OverflowPolicy } from "../types";
import { DueHeap } from "./due-heap";
import { HeldList } from "./held-list";
import { MemoryDelivery } from "./memory-delivery";
import { RingBuffer } from "./ring-buffer";

/**
 * Fresh events wait in a bounded ring as they were emitted (no id, no body,
 * no allocation); they become `MemoryDelivery` records when first leased or
 * listed. Minted pending deliveries (leased, waiting for a retry, or
 * redelivered) are `held`, and the unleased ones among them are `scheduled`.
 *
 * Acceptance order (`seq`, for `flush()`): the n-th fresh event has seq n, so
 * the ring's front has seq `accepted - fresh.length`. A redelivery made when
 * `accepted` is n gets n - 0.5: after every fresh event before it, before
 * every later one.
 */
export class EndpointQueue {
  readonly fresh: RingBuffer<DispatchableEvent | MemoryDelivery>;
  /** Fresh events accepted so far. */
  accepted = 0;
  readonly held = new HeldList();
  readonly scheduled = new DueHeap();

  constructor(
    readonly maxPending: number,
    private readonly overflow: OverflowPolicy,
  ) {
    this.fresh = new RingBuffer(maxPending);
  }

  /** Accepts a fresh event; returns what the bound refused or evicted. */
  push(event: DispatchableEvent): DispatchableEvent | MemoryDelivery | undefined {
    if (this.fresh.push(event)) {
      this.accepted++;
      return undefined;
    }
    if (this.overflow === "drop-newest") return event;
    this.accepted++;
    return this.fresh.pushEvicting(event);
  }

  /** Seq of the fresh item `index` places behind the front. */
  freshSeq(index: number): number {
    return this.accepted - this.fresh.length + index;
  }

  get pendingCount(): number {
    return this.fresh.length + this.held.size;
  }

  pendingBefore(mark: number): boolean {
    if (this.fresh.length > 0 && this.freshSeq(0) < mark) return true;
    for (const delivery of this.held.values()) if (delivery.seq < mark) return true;
    return false;
  }

  /** Earliest time something unleased is due; fresh events are due at once. */
  nextDueAt(): number | undefined {
    if (this.fresh.length > 0) return 0;
    return this.scheduled.peek()?.nextAttemptAt;
  }

  /** Puts a minted delivery back to wait until `at`. */
  schedule(delivery: MemoryDelivery, at: number): void {
    delivery.leased = false;
    delivery.nextAttemptAt = at;
    this.held.add(delivery);
    this.scheduled.push(delivery);
  }

  /**
   * Takes out every unleased delivery created before `createdBefore`: the
   * fresh ones from the front of the ring (emit order), the scheduled ones
   * from the heap. Leased ones stay with their attempt.
   */
  takeExpired(createdBefore: number, mintId: () => string, endpointId: string): MemoryDelivery[] {
    const expired: MemoryDelivery[] = [];
    for (const delivery of this.scheduled.drain()) {
      if (delivery.createdAt < createdBefore) expired.push(delivery);
      else this.scheduled.push(delivery);
    }
    for (let front = this.fresh.at(0); front !== undefined; front = this.fresh.at(0)) {
      const createdAt = front instanceof MemoryDelivery ? front.createdAt : front.timestamp;
      if (createdAt >= createdBefore) break;
      expired.push(this.takeFresh(mintId, endpointId) as MemoryDelivery);
    }
    return expired;
  }

  /** Takes the oldest fresh item out of the ring as a minted delivery. */
  takeFresh(mintId: () => string, endpointId: string): MemoryDelivery | undefined {
    const seq = this.freshSeq(0);
    const item = this.fresh.shift();
    if (item === undefined || item instanceof MemoryDelivery) return item;
    return new MemoryDelivery(mintId(), endpointId, item, seq);
  }

  /** The oldest fresh item as a minted delivery, replacing it in place. */
  mintFresh(index: number, mintId: () => string, endpointId: string): MemoryDelivery | undefined {
    const item = this.fresh.at(index);
    if (item === undefined || item instanceof MemoryDelivery) return item;
    const delivery = new MemoryDelivery(mintId(), endpointId, item, this.freshSeq(index));
    this.fresh.replace(index, delivery);
    return delivery;
  }
}
