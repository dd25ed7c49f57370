/**
 * The delivery loops of every endpoint, and the connections they share.
 *
 * @module
 */
import type { Endpoint } from "../router/endpoint";
import type { ResolvedConfig } from "../router/resolve-configs";
import type { Router } from "../router/router";
import type { DeadReason } from "../store/delivery-store";
import { EndpointTransport } from "../transport/endpoint-transport";
import type { SharedAgent } from "../transport/shared-agent";
import { EndpointScheduler } from "./endpoint-scheduler";
import { FlightSlots } from "./flight-slots";
import type { SchedulerWiring } from "./scheduler-wiring";

/** Makes the transport of one endpoint (the telemetry substitutes a traced one). */
export type TransportFactory = (
  config: ResolvedConfig,
  maxResponseBytes: number,
  agent: SharedAgent,
) => EndpointTransport;

const plainTransport: TransportFactory = (config, maxResponseBytes, agent) =>
  new EndpointTransport(config, maxResponseBytes, agent);

/**
 * One `EndpointScheduler` per endpoint, in the order they were added. `wake`
 * coalesces every enqueue of a burst into one pass over the loops on the
 * next turn of the event loop, so `emit` never starts I/O itself. Attempts
 * in flight are bounded per origin and in total by the shared agent's socket
 * limits, so an attempt's timeout never runs while it waits for a socket.
 */
export class SchedulerRegistry {
  private readonly byId = new Map<string, EndpointScheduler>();
  private list: EndpointScheduler[] = [];
  private wakeScheduled = false;
  private readonly slots: FlightSlots;

  constructor(
    router: Router,
    private readonly host: SchedulerWiring,
    private readonly maxResponseBytes: number,
    readonly agent: SharedAgent,
    private readonly createTransport: TransportFactory = plainTransport,
  ) {
    this.slots = new FlightSlots(agent.connectionsPerOrigin, agent.maxSockets);
    for (const endpoint of router.endpoints) this.add(endpoint);
  }

  get loops(): readonly EndpointScheduler[] {
    return this.list;
  }

  loop(endpointId: string): EndpointScheduler | undefined {
    return this.byId.get(endpointId);
  }

  /** Starts the loop of a new endpoint. */
  add(endpoint: Endpoint): EndpointScheduler {
    const transport = this.createTransport(endpoint.config, this.maxResponseBytes, this.agent);
    const loop = new EndpointScheduler(endpoint, transport, this.host, this.slots);
    this.byId.set(endpoint.id, loop);
    this.list = [...this.list, loop];
    return loop;
  }

  /** The endpoint's config changed: its loop sends with the new one from now on. */
  reconfigure(endpoint: Endpoint): void {
    const transport = this.createTransport(endpoint.config, this.maxResponseBytes, this.agent);
    this.byId.get(endpoint.id)?.reconfigure(transport);
  }

  /** Ends a loop: `abandon` dead-letters what it still owes, otherwise it just stops. */
  remove(endpointId: string, abandon: DeadReason | undefined): number {
    const loop = this.byId.get(endpointId);
    if (loop === undefined) return 0;
    const abandoned = abandon === undefined ? 0 : loop.abort(abandon);
    loop.stop();
    this.byId.delete(endpointId);
    this.list = this.list.filter((other) => other !== loop);
    return abandoned;
  }

  /** Runs every loop once, after the current synchronous work. Cheap to call per emit. */
  wake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(this.pumpAll);
  }

  /** Whether no attempt is running anywhere. */
  get idle(): boolean {
    return this.list.every((loop) => loop.idle);
  }

  /**
   * close() at its deadline: aborts every running attempt. With `keep` (a
   * durable store), everything owed stays pending in the store for the next
   * process, and the aborted attempts are recorded as attempts. Without it,
   * everything owed is given up (`closed`), except what disabled endpoints
   * keep.
   */
  abort(keep: boolean): void {
    for (const loop of this.list) {
      if (keep || loop.health.disabled !== undefined) loop.halt(keep);
      else loop.abort();
    }
  }

  /** Stops every loop and releases every socket. */
  async close(aborted: boolean): Promise<void> {
    for (const loop of this.list) loop.close();
    // After abort(), a request still connecting has no controller to cancel it, and a graceful
    // close would wait for it until the connect timeout: destroy so close() keeps its deadline.
    if (aborted) await this.agent.destroy();
    else await this.agent.close();
  }

  private readonly pumpAll = (): void => {
    this.wakeScheduled = false;
    for (const loop of this.list) loop.pump();
    // A lease may have settled deliveries without an attempt (unserialisable data).
    this.host.settled();
  };
}
