/**
 * Who gets an event: the endpoint registry and the routes by event type.
 *
 * @module
 */

import type { DispatchableEvent } from "../dispatchable-event";
import type { DeliveryStore } from "../store/delivery-store";
import { Endpoint } from "./endpoint";
import type { ResolvedConfig } from "./resolve-configs";
import { RouteTable } from "./route-table";

/** Called for every event an endpoint did not take. */
export type DropListener = (
  endpoint: Endpoint,
  event: DispatchableEvent,
  reason: "queue_full" | "closed",
) => void;

/**
 * Holds the endpoints and turns one event into one enqueue per matching
 * endpoint, for any event type (custom buses included). Endpoints are added,
 * changed and removed at run time. `route` runs inside `bus.emit`: a map
 * lookup, then per endpoint an O(1) store enqueue and a few counter updates;
 * no I/O, no allocation.
 */
export class Router {
  private readonly byId = new Map<string, Endpoint>();
  private readonly routes = new RouteTable<Endpoint>();
  private list: readonly Endpoint[] = [];
  private added = 0;

  constructor(
    configs: readonly ResolvedConfig[],
    // Only enqueue: the BullMQ producer routes through this router into its Redis outbox.
    private readonly store: Pick<DeliveryStore, "enqueue">,
    private readonly onDrop: DropListener,
  ) {
    for (const config of configs) this.add(config);
  }

  /** Every endpoint, in the order it was added. */
  get endpoints(): readonly Endpoint[] {
    return this.list;
  }

  endpoint(id: string): Endpoint | undefined {
    return this.byId.get(id);
  }

  /** Registers an endpoint; the caller has checked that its id is free. */
  add(config: ResolvedConfig): Endpoint {
    const endpoint = new Endpoint(this.added++, config);
    this.byId.set(endpoint.id, endpoint);
    this.routes.set(endpoint, config.events);
    this.list = [...this.list, endpoint];
    return endpoint;
  }

  /** Gives an endpoint a new config (same id); its counters and deliveries stay. */
  update(endpoint: Endpoint, config: ResolvedConfig): void {
    endpoint.config = config;
    this.routes.set(endpoint, config.events);
  }

  /** Stops routing events to the endpoint (it stays known until `forget`). */
  unroute(endpoint: Endpoint): void {
    this.routes.delete(endpoint);
  }

  /** Removes the endpoint from the registry. */
  forget(endpoint: Endpoint): void {
    this.routes.delete(endpoint);
    this.byId.delete(endpoint.id);
    this.list = this.list.filter((other) => other !== endpoint);
  }

  /** Whether events of `type` go to more than one endpoint, so that they share their bytes. */
  routesMany(type: string): boolean {
    return this.routes.targetsFor(type).length > 1;
  }

  /** Enqueues `event` for every matching endpoint; returns how many took it. */
  route(event: DispatchableEvent): number {
    const targets = this.routes.targetsFor(event.type);
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
  refuse(event: DispatchableEvent): number {
    const targets = this.routes.targetsFor(event.type);
    for (const endpoint of targets) {
      endpoint.countRefused();
      this.onDrop(endpoint, event, "closed");
    }
    return targets.length;
  }
}
