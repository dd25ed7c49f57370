/**
 * What a producer owes Redis: per endpoint, a bounded ring of routed events
 * not yet written, under the endpoint's `maxQueueSize` and `overflow`.
 *
 * @module
 */

import type { DispatchableEvent } from "../dispatchable-event";
import type { Endpoint } from "../router/endpoint";
import { RingBuffer } from "../store/ring-buffer";

/** A routed event with its delivery id, taken out for a write to Redis. */
export interface OutgoingDelivery {
  readonly endpoint: Endpoint;
  /** Minted once when taken: every retry of the write reuses it, so it never duplicates a job. */
  readonly id: string;
  readonly event: DispatchableEvent;
  readonly createdAt: number;
}

/**
 * The producer's store: the router enqueues into it inside `emit` (O(1), no
 * allocation), the write loop takes batches out.
 */
export class RedisOutbox {
  private readonly rings = new Map<
    string,
    { endpoint: Endpoint; ring: RingBuffer<DispatchableEvent> }
  >();
  private count = 0;

  constructor(
    endpoints: readonly Endpoint[],
    private readonly wake: () => void,
  ) {
    for (const endpoint of endpoints) {
      this.rings.set(endpoint.id, { endpoint, ring: new RingBuffer(endpoint.config.maxQueueSize) });
    }
  }

  /** Events waiting for a write. */
  get length(): number {
    return this.count;
  }

  /** Keeps `event` for the endpoint; returns the event the bound did not keep, if any. */
  enqueue(endpointId: string, event: DispatchableEvent): DispatchableEvent | undefined {
    const entry = this.rings.get(endpointId);
    if (entry === undefined) return event;
    const { ring, endpoint } = entry;
    this.wake();
    if (ring.push(event)) {
      this.count++;
      return undefined;
    }
    if (endpoint.config.overflow === "drop-newest") return event;
    const oldest = ring.shift();
    ring.push(event);
    return oldest;
  }

  /** Takes up to `limit` events, oldest first per endpoint, and mints their delivery ids. */
  take(limit: number, mintId: () => string): OutgoingDelivery[] {
    const batch: OutgoingDelivery[] = [];
    const createdAt = Date.now();
    for (const { endpoint, ring } of this.rings.values()) {
      while (batch.length < limit) {
        const event = ring.shift();
        if (event === undefined) break;
        this.count--;
        batch.push({ endpoint, id: mintId(), event, createdAt });
      }
    }
    return batch;
  }

  /** Empties every ring (close deadline); returns what was left, ids minted. */
  drain(mintId: () => string): OutgoingDelivery[] {
    return this.take(Number.POSITIVE_INFINITY, mintId);
  }
}
