/**
 * The delivery loops of every endpoint, started together.
 *
 * @module
 */
import type { Router } from "../router/router";
import { EndpointTransport } from "../transport/endpoint-transport";
import { EndpointScheduler, type SchedulerHost } from "./endpoint-scheduler";

/**
 * One `EndpointScheduler` per endpoint, in config order. `wake` coalesces
 * every enqueue of a burst into one pass over the loops on the next turn of
 * the event loop, so `emit` never starts I/O itself.
 */
export class Scheduler {
  readonly loops: readonly EndpointScheduler[];
  private readonly byId = new Map<string, EndpointScheduler>();
  private wakeScheduled = false;

  constructor(
    router: Router,
    private readonly host: SchedulerHost,
    maxResponseBytes: number,
  ) {
    this.loops = router.endpoints.map((endpoint) => {
      const transport = new EndpointTransport(endpoint.config, maxResponseBytes);
      const loop = new EndpointScheduler(endpoint, transport, host);
      this.byId.set(endpoint.id, loop);
      return loop;
    });
  }

  loop(endpointId: string): EndpointScheduler | undefined {
    return this.byId.get(endpointId);
  }

  /** Runs every loop once, after the current synchronous work. Cheap to call per emit. */
  wake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(this.pumpAll);
  }

  /** Whether no attempt is running anywhere. */
  get idle(): boolean {
    return this.loops.every((loop) => loop.idle);
  }

  /** Gives up on everything still owed (close() at its deadline). */
  abort(): void {
    for (const loop of this.loops) loop.abort();
  }

  async close(): Promise<void> {
    await Promise.all(this.loops.map((loop) => loop.close()));
  }

  private readonly pumpAll = (): void => {
    this.wakeScheduled = false;
    for (const loop of this.loops) loop.pump();
    // A lease may have settled deliveries without an attempt (unserialisable data).
    this.host.settled();
  };
}
