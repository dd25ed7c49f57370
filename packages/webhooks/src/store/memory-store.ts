/**
 * The default delivery store: everything in the process's memory.
 *
 * @module
 */
import { invalidOption, typeName } from "../invalid-option";
import type { DispatchableEvent } from "../types";
import type {
  AttemptRecord,
  AttemptResult,
  DeadReason,
  DeliveryQuery,
  DeliveryRecord,
  DeliveryStore,
  LeasedDelivery,
  StoreContext,
} from "./delivery-store";
import { EndpointQueue } from "./endpoint-queue";
import { listMemoryDeliveries } from "./list-memory-deliveries";
import { MemoryDelivery } from "./memory-delivery";

/** Options of `new MemoryStore(options)`. */
export interface MemoryStoreOptions {
  /**
   * Delivered and dead deliveries kept for `deliveries.get/list`,
   * `redeliver` and `recover`, newest kept. Default `1000`.
   */
  maxSettled?: number;
}

/**
 * Keeps what is owed in memory: nothing survives a restart (`durable` is
 * false). Per endpoint, fresh events wait in a ring of `maxQueueSize` with
 * the endpoint's overflow policy, exactly as emitted: the delivery id and the
 * body are made when the event is first leased or listed, off the emitter's
 * stack, and stay the same for every attempt. The last `maxSettled`
 * delivered or dead deliveries are kept with their attempts, oldest dropped
 * first; `createdAt` is the event's own timestamp.
 *
 * @example
 * ```ts
 * import { EventBus } from "@attesta/events";
 * import { MemoryStore, WebhookDispatcher } from "@attesta/webhooks";
 *
 * const dispatcher = new WebhookDispatcher(new EventBus(), [{ url: "https://hooks.example.com/a" }], {
 *   store: new MemoryStore({ maxSettled: 10_000 }),
 * });
 * ```
 */
export class MemoryStore implements DeliveryStore {
  readonly kind = "memory";
  readonly durable = false;
  readonly maxSettled: number;
  private context: StoreContext | undefined;
  private readonly queues = new Map<string, EndpointQueue>();
  /** Minted pending deliveries by id. */
  private readonly pending = new Map<string, MemoryDelivery>();
  /** Delivered and dead deliveries by id, in the order they settled. */
  private readonly settled = new Map<string, MemoryDelivery>();

  constructor(options: MemoryStoreOptions = {}) {
    if (typeof options !== "object" || options === null) {
      throw new TypeError(
        `@attesta/webhooks: MemoryStore options must be an object; got ${typeName(options)}. Fix: pass { maxSettled } or nothing.`,
      );
    }
    const maxSettled = options.maxSettled ?? 1000;
    if (!Number.isInteger(maxSettled) || maxSettled < 0) {
      throw invalidOption(
        "MemoryStore maxSettled",
        "an integer ≥ 0",
        maxSettled,
        "pass e.g. 1000 (0 keeps no settled deliveries)",
      );
    }
    this.maxSettled = maxSettled;
  }

  open(context: StoreContext): void {
    if (this.context !== undefined) {
      throw new Error(
        "@attesta/webhooks: this MemoryStore is already used by a dispatcher. Fix: give each WebhookDispatcher its own new MemoryStore().",
      );
    }
    this.context = context;
  }

  enqueue(endpointId: string, event: DispatchableEvent): DispatchableEvent | undefined {
    const queue = this.queues.get(endpointId) ?? this.queueFor(endpointId);
    const dropped = queue.push(event);
    if (dropped === undefined || !(dropped instanceof MemoryDelivery)) return dropped;
    // Minted by list() while it waited: it leaves without ever being attempted.
    this.pending.delete(dropped.id);
    return dropped.source;
  }

  lease(endpointId: string, now: number, limit: number): LeasedDelivery[] {
    const queue = this.queueFor(endpointId);
    const leased: LeasedDelivery[] = [];
    while (leased.length < limit) {
      const delivery = this.nextDue(queue, endpointId, now);
      if (delivery === undefined) break;
      if (!this.ensureBody(delivery)) continue;
      delivery.leased = true;
      leased.push(delivery);
    }
    return leased;
  }

  nextDueAt(endpointId: string): number | undefined {
    return this.queueFor(endpointId).nextDueAt();
  }

  recordAttempt(id: string, attempt: AttemptRecord, result: AttemptResult): void {
    const delivery = this.leasedDelivery(id);
    delivery.attempts = attempt.attempt;
    delivery.attemptsInSeries++;
    delivery.log(attempt);
    if (result.status === "retry") {
      this.queueFor(delivery.endpointId).schedule(delivery, result.at);
    } else if (result.status === "delivered") {
      this.settle(delivery, "delivered");
    } else {
      this.settle(delivery, "dead", result.reason);
    }
  }

  release(id: string): void {
    const delivery = this.leasedDelivery(id);
    this.queueFor(delivery.endpointId).schedule(delivery, this.ctx.now());
  }

  abandon(endpointId: string, reason: DeadReason): LeasedDelivery[] {
    const queue = this.queueFor(endpointId);
    const abandoned: LeasedDelivery[] = [];
    for (const delivery of queue.scheduled.drain()) {
      this.settle(delivery, "dead", reason);
      abandoned.push(delivery);
    }
    while (queue.fresh.length > 0) {
      const delivery = queue.mintFresh(0, this.ctx.mintId, endpointId) as MemoryDelivery;
      queue.fresh.shift();
      if (!this.ensureBody(delivery)) continue;
      this.settle(delivery, "dead", reason);
      abandoned.push(delivery);
    }
    return abandoned;
  }

  pendingCount(endpointId: string): number {
    return this.queues.get(endpointId)?.pendingCount ?? 0;
  }

  mark(endpointId: string): number {
    return this.queueFor(endpointId).accepted;
  }

  pendingBefore(endpointId: string, mark: number): boolean {
    return this.queues.get(endpointId)?.pendingBefore(mark) ?? false;
  }

  get(id: string): DeliveryRecord | undefined {
    return (this.pending.get(id) ?? this.settled.get(id))?.toRecord();
  }

  list(query: DeliveryQuery = {}): DeliveryRecord[] {
    return listMemoryDeliveries(query, {
      queues: this.queues,
      settled: this.settled.values(),
      mint: (queue, endpointId, index) => this.mintListed(queue, endpointId, index),
    });
  }

  redeliver(id: string, now: number): boolean {
    const delivery = this.settled.get(id);
    if (delivery === undefined || delivery.deadReason === "unserializable") return false;
    this.settled.delete(id);
    const queue = this.queueFor(delivery.endpointId);
    delivery.status = "pending";
    delivery.settledAt = undefined;
    delivery.deadReason = undefined;
    delivery.attemptsInSeries = 0;
    delivery.seq = queue.accepted - 0.5;
    this.pending.set(id, delivery);
    queue.schedule(delivery, now);
    return true;
  }

  persisted(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing to release: records stay readable after the dispatcher closed. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  private get ctx(): StoreContext {
    if (this.context === undefined) {
      throw new Error(
        "@attesta/webhooks: MemoryStore used before open(). Fix: pass it to new WebhookDispatcher(bus, configs, { store }), which opens it.",
      );
    }
    return this.context;
  }

  private queueFor(endpointId: string): EndpointQueue {
    let queue = this.queues.get(endpointId);
    if (queue === undefined) {
      const { maxPending, overflow } = this.ctx.limits(endpointId);
      queue = new EndpointQueue(maxPending, overflow);
      this.queues.set(endpointId, queue);
    }
    return queue;
  }

  private nextDue(
    queue: EndpointQueue,
    endpointId: string,
    now: number,
  ): MemoryDelivery | undefined {
    const due = queue.scheduled.peek();
    if (due !== undefined && (due.nextAttemptAt ?? 0) <= now) return queue.scheduled.pop();
    if (queue.fresh.length === 0) return undefined;
    const delivery = queue.mintFresh(0, this.ctx.mintId, endpointId) as MemoryDelivery;
    queue.fresh.shift();
    queue.held.add(delivery);
    this.pending.set(delivery.id, delivery);
    return delivery;
  }

  private mintListed(queue: EndpointQueue, endpointId: string, index: number): MemoryDelivery {
    const delivery = queue.mintFresh(index, this.ctx.mintId, endpointId) as MemoryDelivery;
    this.pending.set(delivery.id, delivery);
    if (!delivery.serialized) {
      try {
        delivery.body = this.ctx.serialize(delivery.source);
        delivery.serialized = true;
      } catch {
        // Shown with an empty body; lease() dead-letters it as unserializable.
      }
    }
    return delivery;
  }

  /** Serialises once; an event that cannot be serialised settles dead here. */
  private ensureBody(delivery: MemoryDelivery): boolean {
    if (delivery.serialized) return true;
    try {
      delivery.body = this.ctx.serialize(delivery.source);
      delivery.serialized = true;
      return true;
    } catch (error) {
      this.settle(delivery, "dead", "unserializable");
      this.ctx.onUnserializable(delivery.toRecord(), error, delivery.source);
      return false;
    }
  }

  private leasedDelivery(id: string): MemoryDelivery {
    const delivery = this.pending.get(id);
    if (delivery === undefined || !delivery.leased) {
      throw new Error(
        `@attesta/webhooks: delivery ${id} is not leased from this MemoryStore. Fix: only settle deliveries that lease() handed out, once.`,
      );
    }
    return delivery;
  }

  private settle(delivery: MemoryDelivery, status: "delivered" | "dead", reason?: DeadReason) {
    delivery.status = status;
    delivery.leased = false;
    delivery.nextAttemptAt = undefined;
    delivery.settledAt = this.ctx.now();
    delivery.deadReason = reason;
    this.queues.get(delivery.endpointId)?.held.delete(delivery);
    this.pending.delete(delivery.id);
    if (this.maxSettled === 0) return;
    this.settled.set(delivery.id, delivery);
    if (this.settled.size > this.maxSettled) {
      const oldest = this.settled.keys().next();
      if (oldest.done !== true) this.settled.delete(oldest.value);
    }
  }
}
