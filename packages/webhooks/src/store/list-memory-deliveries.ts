/**
 * `list()` of the memory store. Internal to the memory store.
 *
 * @module
 */
import type { DispatchableEvent } from "../dispatchable-event";
import type { DeliveryQuery, DeliveryRecord } from "./delivery-store";
import type { EndpointQueue } from "./endpoint-queue";
import { MemoryDelivery } from "./memory-delivery";

/** What the listing reads from the store. */
export interface MemoryListSource {
  readonly queues: ReadonlyMap<string, EndpointQueue>;
  readonly settled: Iterable<MemoryDelivery>;
  /** Mints the fresh item `index` places behind the queue's front, in place. */
  mint(queue: EndpointQueue, endpointId: string, index: number): MemoryDelivery;
}

interface Filter {
  readonly status: DeliveryQuery["status"];
  readonly endpoint: string | undefined;
  readonly event: string | undefined;
  readonly since: number;
  readonly limit: number;
}

function toFilter(query: DeliveryQuery): Filter {
  const since = query.since instanceof Date ? query.since.getTime() : query.since;
  return {
    status: query.status,
    endpoint: query.endpoint,
    event: query.event?.toUpperCase(),
    since: since ?? Number.NEGATIVE_INFINITY,
    limit: query.limit ?? 100,
  };
}

function matchesEvent(filter: Filter, event: string, createdAt: number): boolean {
  return (filter.event === undefined || event === filter.event) && createdAt >= filter.since;
}

function matches(filter: Filter, delivery: MemoryDelivery): boolean {
  return (
    (filter.status === undefined || delivery.status === filter.status) &&
    (filter.endpoint === undefined || delivery.endpointId === filter.endpoint) &&
    matchesEvent(filter, delivery.event, delivery.createdAt)
  );
}

function matchesFresh(filter: Filter, item: DispatchableEvent | MemoryDelivery): boolean {
  if (item instanceof MemoryDelivery) return matchesEvent(filter, item.event, item.createdAt);
  return matchesEvent(filter, item.type.toUpperCase(), item.timestamp);
}

/**
 * Matching deliveries, oldest first, at most `limit`. Fresh events that match
 * are minted (given their id and body) so that they can be shown; only the
 * first `limit` of each endpoint's ring are, since the ring is in order.
 */
export function listMemoryDeliveries(
  query: DeliveryQuery,
  source: MemoryListSource,
): DeliveryRecord[] {
  const filter = toFilter(query);
  const found: MemoryDelivery[] = [];
  if (filter.status === undefined || filter.status === "pending") {
    for (const [endpointId, queue] of source.queues) {
      if (filter.endpoint !== undefined && filter.endpoint !== endpointId) continue;
      for (const delivery of queue.held.values()) {
        if (matches(filter, delivery)) found.push(delivery);
      }
      let taken = 0;
      for (let index = 0; index < queue.fresh.length && taken < filter.limit; index++) {
        const item = queue.fresh.at(index);
        if (item === undefined || !matchesFresh(filter, item)) continue;
        found.push(source.mint(queue, endpointId, index));
        taken++;
      }
    }
  }
  if (filter.status !== "pending") {
    for (const delivery of source.settled) {
      if (delivery.status !== "pending" && matches(filter, delivery)) found.push(delivery);
    }
  }
  found.sort((a, b) => a.createdAt - b.createdAt || a.seq - b.seq);
  return found.slice(0, filter.limit).map((delivery) => delivery.toRecord());
}
