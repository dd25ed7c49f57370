/**
 * Who gets an event: the endpoint registry and the routes by event type.
 *
 * @module
 */
import { EVENT_TYPES } from "@attesta/events";
import type { DeliveryStore } from "../store/delivery-store";
import type { DispatchableEvent } from "../types";
import { Endpoint } from "./endpoint";
import type { ResolvedConfig } from "./resolve-configs";

/** Called for every event an endpoint did not take. */
export type DropListener = (
  endpoint: Endpoint,
  event: DispatchableEvent,
  reason: "queue_full" | "closed",
) => void;

/**
 * Holds the endpoints and turns one event into one enqueue per matching
 * endpoint. `route` runs inside `bus.emit`: a map lookup, then per endpoint
 * an O(1) store enqueue and a few counter updates; no I/O, no allocation.
 */
export class Router {
  readonly endpoints: readonly Endpoint[];
  /** Whether some event type goes to more than one endpoint. */
  readonly fansOut: boolean;
  private readonly byId = new Map<string, Endpoint>();
  private readonly routes = new Map<string, Endpoint[]>();

  constructor(
    configs: readonly ResolvedConfig[],
    private readonly store: DeliveryStore,
    private readonly onDrop: DropListener,
  ) {
    this.endpoints = configs.map((config, index) => new Endpoint(index, config));
    for (const endpoint of this.endpoints) this.byId.set(endpoint.id, endpoint);
    for (const type of EVENT_TYPES) {
      const targets = this.endpoints.filter((endpoint) => endpoint.config.events.includes(type));
      if (targets.length > 0) this.routes.set(type, targets);
    }
    this.fansOut = [...this.routes.values()].some((targets) => targets.length > 1);
  }

  endpoint(id: string): Endpoint | undefined {
    return this.byId.get(id);
  }

  /** Enqueues `event` for every matching endpoint; returns how many took it. */
  route(event: DispatchableEvent): number {
    const targets = this.routes.get(event.type);
    if (targets === undefined) return 0;
    let taken = 0;
    for (let i = 0; i < targets.length; i++) {
      const endpoint = targets[i] as Endpoint;
      const notKept = this.store.enqueue(endpoint.id, event);
      if (endpoint.countEnqueue(event, notKept)) taken++;
      if (notKept !== undefined) this.onDrop(endpoint, notKept, "queue_full");
    }
    return taken;
  }

  /** Counts and reports `event` as refused by every endpoint it would have gone to. */
  refuse(event: DispatchableEvent): void {
    for (const endpoint of this.routes.get(event.type) ?? []) {
      endpoint.countRefused();
      this.onDrop(endpoint, event, "closed");
    }
  }
}
