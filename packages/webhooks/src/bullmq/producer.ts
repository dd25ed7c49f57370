/**
 * The emitting side of the distributed mode: the local dispatcher's router,
 * with a Redis outbox for a store.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { EventBus } from "@attesta/events";
import type { Redis } from "ioredis";
import type { DispatchableEvent, EventSource } from "../dispatchable-event";
import { validateEvent } from "../dispatcher/validate-event";
import { bodyFailureReason, DispatcherClosedError, WebhookDeliveryError } from "../errors";
import { integerOption } from "../options/integer-option";
import { resolveOptions } from "../options/resolve-options";
import { toDeadLetter } from "../reporting/dead-letter";
import type { DeadLetter, EndpointStats } from "../reporting/hook-payloads";
import type { DispatcherEvents } from "../reporting/operator-events";
import { Reporter } from "../reporting/reporter";
import { PayloadBytes } from "../router/payload-bytes";
import { Router } from "../router/router";
import type { DeadReason } from "../store/delivery-store";
import type { WebhookDispatcherOptions } from "../types";
import { openRedis, type RedisQueueOptions, redisTarget, resolvePrefix } from "./connection";
import { type DistributedEndpointConfig, resolveEndpoints } from "./endpoints";
import { type OutgoingDelivery, RedisOutbox } from "./outbox";
import { OutboxWriter } from "./outbox-writer";
import { refuseForeignOptions } from "./unsupported-options";
import { waitWithDeadline } from "./wait-with-deadline";

/** Options of `new WebhookProducer(bus, configs, options)`. */
export interface WebhookProducerOptions
  extends RedisQueueOptions,
    Pick<WebhookDispatcherOptions, "logger" | "onDrop" | "onDeadLetter"> {
  /** Delivered jobs kept in Redis for inspection, per endpoint. Default `1000`. */
  keepDelivered?: number;
  /** Dead letters kept in Redis per endpoint; older ones are removed. Default `10000`. */
  keepDead?: number;
}

/** Counters of one producer process. */
export interface ProducerStats {
  /** Deliveries written to Redis. */
  readonly persisted: number;
  /** Deliveries waiting in this process for Redis. */
  readonly buffered: number;
  /** Pipelines written to Redis (one per endpoint per batch of up to 500): the producer's round trips. */
  readonly writes: number;
  /**
   * Failed writes to Redis, each retried; counted from the first one (a
   * Redis that is down at start included), which also reports `producer.failing`.
   */
  readonly writeErrors: number;
  /** Per endpoint: routed (`enqueued`) and dropped by the in-memory bound. */
  readonly endpoints: readonly Pick<EndpointStats, "id" | "url" | "enqueued" | "dropped">[];
}

/** What `close()` resolves to. */
export interface ProducerCloseReport {
  /** Whether the deadline came before every buffered delivery reached Redis. */
  readonly timedOut: boolean;
  /** Deliveries never written to Redis (`closed` at the deadline, or `unserializable`), also passed to `onDeadLetter`. */
  readonly undelivered: readonly DeadLetter[];
  readonly stats: ProducerStats;
}

const PRODUCER_OPTION_KEYS = [
  "connection",
  "prefix",
  "keepDelivered",
  "keepDead",
  "logger",
  "onDrop",
  "onDeadLetter",
];

/**
 * Subscribes to a bus and enqueues one BullMQ job per event and matching
 * endpoint. `emit` only pays for the router's in-memory enqueue; a
 * background loop writes batches to Redis and retries them until Redis
 * answers, under the same delivery ids, so a retried write never duplicates
 * a job.
 *
 * @example
 * ```ts
 * import { EventBus } from "@attesta/events";
 * import { WebhookProducer } from "@attesta/webhooks/bullmq";
 *
 * const bus = new EventBus();
 * const producer = new WebhookProducer(bus, [{ id: "billing", url: "https://billing.example.com/hooks" }], {
 *   connection: "redis://127.0.0.1:6379",
 * });
 * bus.emit({ type: "approved", data });
 * await producer.persisted(); // in Redis now
 * await producer.close({ deadlineMs: 5000 });
 * ```
 */
export class WebhookProducer {
  /** What this producer reports about itself: drops, dead deliveries, hook failures. */
  readonly events = new EventBus<DispatcherEvents>();
  private readonly router: Router;
  private readonly reporter: Reporter;
  private readonly outbox: RedisOutbox;
  private readonly writer: OutboxWriter;
  private readonly redis: Redis;
  private readonly unsubscribe: () => void;
  private closed = false;
  private stopped = false;
  private waiters: { target: number; resolve: () => void }[] = [];
  private readonly undelivered: DeadLetter[] = [];
  private counts = { settled: 0, accepted: 0 };

  constructor(
    bus: EventSource,
    configs: readonly DistributedEndpointConfig[],
    options: WebhookProducerOptions,
  ) {
    if (typeof (bus as Partial<EventSource> | null)?.onAny !== "function") {
      throw new TypeError(
        "@attesta/webhooks: bus must be an EventBus (an object with onAny). Fix: pass new EventBus() from @attesta/events.",
      );
    }
    const endpoints = resolveEndpoints(configs);
    refuseForeignOptions(options, "WebhookProducer", PRODUCER_OPTION_KEYS);
    const { connection, prefix, keepDelivered, keepDead, ...hooks } = options;
    this.reporter = new Reporter(
      resolveOptions(hooks),
      () => this.router.endpoints,
      (event) => this.events.emit({ type: event.name, data: event.data } as never),
    );
    const keyPrefix = resolvePrefix(prefix);
    const retention = {
      delivered: integerOption(keepDelivered, "options.keepDelivered", 1000, 1),
      dead: integerOption(keepDead, "options.keepDead", 10_000, 1),
    };
    // The outbox holds the router's own endpoints, so what it counts shows in stats().
    this.router = new Router(
      endpoints.map((endpoint) => endpoint.config),
      { enqueue: (endpointId, event) => this.outbox.enqueue(endpointId, event) },
      (endpoint, event, reason) => this.reporter.dropped(endpoint, event, reason),
    );
    this.outbox = new RedisOutbox(this.router.endpoints, () => this.writer.schedule());
    // No offline queue: a write fails at once while Redis is away, and the outbox, bounded
    // per endpoint, holds what is owed instead of an unbounded ioredis command queue.
    this.redis = openRedis(connection, { enableOfflineQueue: false });
    this.redis.on("error", (error) => this.reporter.log("debug", "redis error", { error }));
    this.writer = new OutboxWriter(this.outbox, this.router.endpoints, {
      redis: this.redis,
      prefix: keyPrefix,
      retention,
      // As in the local dispatcher: one serialisation per event, shared by every endpoint it goes to.
      bytes: new PayloadBytes(true),
      reporter: this.reporter,
      unserializable: (delivery, error) => {
        this.deadLetter(delivery, bodyFailureReason(error), error);
      },
      settled: (count) => this.settle(count),
      emit: (event) => this.events.emit({ type: event.name, data: event.data } as never),
      target: redisTarget(connection),
    });
    this.unsubscribe = bus.onAny(this.onEvent);
  }

  /**
   * Routes an event exactly as if the bus had emitted it; returns how many
   * endpoints took it.
   *
   * @throws TypeError naming the field, before anything is queued, for an
   *   event the bus would never hand out; DispatcherClosedError after `close()`.
   */
  dispatch(event: DispatchableEvent): number {
    validateEvent(event);
    if (this.closed) throw new DispatcherClosedError(event.type);
    return this.route(event);
  }

  /** Resolves once every delivery routed before the call is in Redis (or reported undelivered). */
  persisted(): Promise<void> {
    const target = this.counts.accepted;
    if (this.counts.settled >= target) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }

  stats(): ProducerStats {
    const { persisted, writes, writeErrors } = this.writer.counts;
    return {
      persisted,
      buffered: this.outbox.length + this.writer.inFlight,
      writes,
      writeErrors,
      endpoints: this.router.endpoints.map((endpoint) => {
        const { id, url, enqueued, dropped } = endpoint.stats(0, 0);
        return { id, url, enqueued, dropped };
      }),
    };
  }

  /**
   * Unsubscribes, writes what is buffered (until `deadlineMs`, if given),
   * reports what is left as undelivered, and closes the Redis connection.
   */
  async close(options: { deadlineMs?: number } = {}): Promise<ProducerCloseReport> {
    if (!this.closed) {
      this.closed = true;
      this.unsubscribe();
    }
    const timedOut = await waitWithDeadline(this.persisted(), options.deadlineMs);
    this.stopped = true;
    for (const delivery of [...this.writer.stop(), ...this.outbox.drain(randomUUID)]) {
      this.undelivered.push(this.deadLetter(delivery, "closed"));
    }
    this.resolveWaiters();
    await this.writer.close();
    this.redis.disconnect();
    this.reporter.flushWarnings();
    return { timedOut, undelivered: this.undelivered.slice(), stats: this.stats() };
  }

  // The bus handler: O(1) per endpoint, no I/O, never throws.
  private readonly onEvent = (event: DispatchableEvent): void => {
    if (this.closed) {
      this.reporter.refusedEvent();
      this.router.refuse(event);
      return;
    }
    this.route(event);
  };

  private route(event: DispatchableEvent): number {
    const before = this.outbox.length;
    const taken = this.router.route(event);
    // Evictions (drop-oldest) settle deliveries persisted() may be waiting for.
    const evicted = taken - (this.outbox.length - before);
    this.counts.accepted += taken;
    if (evicted > 0) this.settle(evicted);
    return taken;
  }

  /** `cause`: why its body could not be made (a failed format, data that is not JSON). */
  private deadLetter(delivery: OutgoingDelivery, reason: DeadReason, cause?: unknown): DeadLetter {
    const label = delivery.endpoint.config.label;
    const why = cause instanceof Error ? cause.message : String(cause);
    const letter = toDeadLetter(delivery.endpoint, {
      deliveryId: delivery.id,
      body: new Uint8Array(0),
      event: delivery.event,
      reason,
      attempts: 0,
      ...(cause === undefined
        ? {}
        : {
            error: new WebhookDeliveryError(`${label}: event data cannot be sent: ${why}`, {
              endpoint: label,
              deliveryId: delivery.id,
              attempt: 0,
              cause,
            }),
          }),
    });
    delivery.endpoint.countFailed();
    if (reason === "unserializable" || reason === "format_failed") this.undelivered.push(letter);
    const { endpoint } = delivery;
    this.reporter.deadLettered(letter, endpoint.config.label);
    this.events.emit({
      type: "delivery.dead",
      data: {
        endpointId: endpoint.id,
        url: endpoint.config.label,
        deliveryId: delivery.id,
        event: letter.payload.event,
        reason,
        attempts: 0,
      },
    });
    return letter;
  }

  private settle(count: number): void {
    this.counts.settled += count;
    this.resolveWaiters();
  }

  private resolveWaiters(): void {
    if (this.waiters.length === 0) return;
    const settled = this.stopped ? Number.POSITIVE_INFINITY : this.counts.settled;
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.target > settled) return true;
      waiter.resolve();
      return false;
    });
  }
}
