/**
 * The default delivery store: everything in the process's memory.
 *
 * @module
 */
import type { DispatchableEvent } from "../dispatchable-event";
import { bodyFailureReason } from "../errors";
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
import { type MemoryStoreOptions, resolveMemoryStoreOptions } from "./memory-store-options";
import { SettledHistory } from "./settled-history";

/**
 * Keeps what is owed in memory: nothing survives a restart (`durable` is
 * false). Per endpoint, fresh events wait in a ring of `maxQueueSize` with
 * the endpoint's overflow policy, exactly as emitted: the delivery id and the
 * body are made when the event is first leased or listed, off the emitter's
 * stack, and stay the same for every attempt. The last `maxDead` dead
 * letters and the last `maxDelivered` delivered deliveries are kept with
 * their attempts, oldest dropped first; `createdAt` is the event's own
 * timestamp.
 *
 * @example
 * ```ts
 * import { EventBus } from "@attesta/events";
 * import { MemoryStore, WebhookDispatcher } from "@attesta/webhooks";
 *
 * const dispatcher = new WebhookDispatcher(new EventBus(), [{ url: "https://hooks.example.com/a" }], {
 *   store: new MemoryStore({ maxDead: 10_000, maxDelivered: 1_000 }),
 * });
 * ```
 */
export class MemoryStore implements DeliveryStore {
  readonly kind = "memory";
  readonly durable = false;
  readonly maxDead: number;
  readonly maxDelivered: number;
  private context: StoreContext | undefined;
  private readonly queues = new Map<string, EndpointQueue>();
  /**
   * Every minted delivery the store still knows, pending or settled. A
   * delivery enters once (minted) and leaves once (forgotten), so the map
   * keeps a steady size instead of growing and shrinking per delivery.
   */
  private readonly byId = new Map<string, MemoryDelivery>();
  /** The settled deliveries still kept, and which to forget next. */
  private readonly settledHistory: SettledHistory;
  // The queue asked for last: emit, lease and settle mostly ask for one endpoint in a row.
  private lastEndpointId: string | undefined;
  private lastQueue: EndpointQueue | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    ({ maxDead: this.maxDead, maxDelivered: this.maxDelivered } =
      resolveMemoryStoreOptions(options));
    this.settledHistory = new SettledHistory(this.maxDead, this.maxDelivered, this.byId);
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
    const dropped = this.queueFor(endpointId).push(event);
    if (dropped === undefined || !(dropped instanceof MemoryDelivery)) return dropped;
    // Minted by list() while it waited: it leaves without ever being attempted.
    this.byId.delete(dropped.id);
    return dropped.source ?? event;
  }

  lease(endpointId: string, now: number, limit: number): LeasedDelivery[] {
    const queue = this.queueFor(endpointId);
    const leased: LeasedDelivery[] = [];
    while (leased.length < limit) {
      const delivery = this.nextDue(queue, endpointId, now);
      if (delivery === undefined) break;
      if (!this.ensureBody(delivery)) continue;
      // Out of the ring for good: the body is all that is needed from here on.
      delivery.source = undefined;
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
    return this.settleDead(
      reason,
      queue.takeExpired(Number.POSITIVE_INFINITY, this.ctx.mintId, endpointId),
    );
  }

  expire(endpointId: string, createdBefore: number): LeasedDelivery[] {
    const queue = this.queues.get(endpointId);
    if (queue === undefined) return [];
    return this.settleDead(
      "expired",
      queue.takeExpired(createdBefore, this.ctx.mintId, endpointId),
    );
  }

  private settleDead(reason: DeadReason, deliveries: readonly MemoryDelivery[]): LeasedDelivery[] {
    const settled: LeasedDelivery[] = [];
    for (const delivery of deliveries) {
      if (!this.ensureBody(delivery)) continue;
      this.settle(delivery, "dead", reason);
      settled.push(delivery);
    }
    return settled;
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
    return this.byId.get(id)?.toRecord();
  }

  list(query: DeliveryQuery = {}): DeliveryRecord[] {
    return listMemoryDeliveries(query, {
      queues: this.queues,
      settled: this.byId.values(),
      mint: (queue, endpointId, index) => this.mintListed(queue, endpointId, index),
    });
  }

  redeliver(id: string, now: number): boolean {
    const delivery = this.byId.get(id);
    if (delivery === undefined || delivery.status === "pending") return false;
    if (delivery.deadReason === "unserializable" || delivery.deadReason === "format_failed")
      return false;
    const queue = this.queueFor(delivery.endpointId);
    delivery.status = "pending";
    delivery.settledAt = undefined;
    delivery.deadReason = undefined;
    delivery.attemptsInSeries = 0;
    delivery.seq = queue.accepted - 0.5;
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
    if (endpointId === this.lastEndpointId && this.lastQueue !== undefined) return this.lastQueue;
    let queue = this.queues.get(endpointId);
    if (queue === undefined) {
      const { maxPending, overflow } = this.ctx.limits(endpointId);
      queue = new EndpointQueue(maxPending, overflow);
      this.queues.set(endpointId, queue);
    }
    this.lastEndpointId = endpointId;
    this.lastQueue = queue;
    return queue;
  }

  private nextDue(
    queue: EndpointQueue,
    endpointId: string,
    now: number,
  ): MemoryDelivery | undefined {
    const due = queue.scheduled.peek();
    if (due !== undefined && (due.nextAttemptAt ?? 0) <= now) return queue.scheduled.pop();
    const delivery = queue.takeFresh(this.ctx.mintId, endpointId);
    if (delivery === undefined) return undefined;
    queue.held.add(delivery);
    this.byId.set(delivery.id, delivery);
    return delivery;
  }

  private mintListed(queue: EndpointQueue, endpointId: string, index: number): MemoryDelivery {
    const delivery = queue.mintFresh(index, this.ctx.mintId, endpointId) as MemoryDelivery;
    this.byId.set(delivery.id, delivery);
    if (!delivery.serialized && delivery.source !== undefined) {
      try {
        delivery.formatted(this.ctx.render(delivery.source, endpointId));
      } catch {
        // Shown with an empty body; lease() dead-letters it as unserializable.
      }
    }
    return delivery;
  }

  /** Serialises once; an event that cannot be serialised settles dead here. */
  private ensureBody(delivery: MemoryDelivery): boolean {
    const source = delivery.source;
    if (delivery.serialized || source === undefined) return true;
    try {
      delivery.formatted(this.ctx.render(source, delivery.endpointId));
      return true;
    } catch (error) {
      this.settle(delivery, "dead", bodyFailureReason(error));
      this.ctx.onUnserializable(delivery.toRecord(), error, source);
      return false;
    }
  }

  private leasedDelivery(id: string): MemoryDelivery {
    const delivery = this.byId.get(id);
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
    delivery.source = undefined;
    this.queueFor(delivery.endpointId).held.remove(delivery);
    this.settledHistory.keep(delivery, status);
  }
}
