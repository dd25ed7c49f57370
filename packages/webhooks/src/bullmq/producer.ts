/**
 * The emitting side of the distributed mode: routes bus events to endpoint
 * queues in Redis, off the emitter's stack.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { EVENT_TYPES } from "@attesta/events";
import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { DispatcherClosedError } from "../dispatcher-closed-error";
import { invalidOption } from "../invalid-option";
import { resolveOptions } from "../resolve-options";
import { RingBuffer } from "../ring-buffer";
import { toWebhookPayload } from "../to-webhook-payload";
import type { DispatchableEvent, EventSource, WebhookLogger } from "../types";
import { openRedis, type RedisQueueOptions, resolvePrefix } from "./connection";
import {
  type DistributedEndpoint,
  type DistributedEndpointConfig,
  resolveEndpoints,
} from "./endpoints";
import { BACKOFF_TYPE, type DeliveryJobData, jobNameFor } from "./job-data";
import { waitWithDeadline } from "./wait-with-deadline";

/** Passed to `onDrop` for a delivery that never reached Redis. */
export interface ProducerDrop {
  readonly endpointId: string;
  readonly deliveryId: string;
  readonly event: DispatchableEvent;
  /** Buffer full, refused after `close()`, left unsent at the close deadline, or not JSON. */
  readonly reason: "buffer_full" | "closed" | "unsent" | "unserializable";
}

/** Options of `new WebhookProducer(bus, configs, options)`. */
export interface WebhookProducerOptions extends RedisQueueOptions {
  /** Deliveries held in memory while Redis is slow or unreachable. Default `10000`. */
  maxBuffered?: number;
  /** Delivered jobs kept for inspection: at most this many per endpoint. Default `1000`. */
  keepDelivered?: number;
  /** Dead jobs (dead letters) kept per endpoint. Default `10000`. */
  keepDead?: number;
  /** Called for every delivery that did not reach Redis; runs inside `emit` for `buffer_full`. */
  onDrop?: (drop: ProducerDrop) => void;
  /** Diagnostics sink; `null` silences it. Default: `console`. */
  logger?: WebhookLogger | null;
}

/** Counters of one producer process. */
export interface ProducerStats {
  /** Deliveries routed (one per event and matching endpoint). */
  readonly routed: number;
  /** Deliveries written to Redis. */
  readonly persisted: number;
  /** Deliveries waiting in memory for Redis. */
  readonly buffered: number;
  readonly dropped: number;
  /** Failed writes to Redis, each retried. */
  readonly writeErrors: number;
}

/** What `close()` resolves to. */
export interface ProducerCloseReport {
  /** Whether the deadline came before every buffered delivery reached Redis. */
  readonly timedOut: boolean;
  /** Deliveries dropped as `unsent` at the deadline (also passed to `onDrop`). */
  readonly unsent: number;
  readonly stats: ProducerStats;
}

interface Pending {
  readonly endpoint: DistributedEndpoint;
  readonly id: string;
  readonly event: DispatchableEvent;
  readonly createdAt: number;
}

const BATCH_SIZE = 500;
const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 2000;

/**
 * Subscribes to a bus and enqueues one BullMQ job per event and matching
 * endpoint. `emit` only pays for an in-memory push; a background loop writes
 * batches to Redis and retries them until Redis answers, under the same
 * delivery ids, so a retried write never duplicates a job.
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
  private readonly endpoints: readonly DistributedEndpoint[];
  private readonly routes = new Map<string, DistributedEndpoint[]>();
  private readonly queues = new Map<string, Queue>();
  private readonly redis: Redis;
  private readonly buffer: RingBuffer<Pending>;
  private readonly options: WebhookProducerOptions;
  private readonly logger: WebhookLogger | null;
  private readonly unsubscribe: () => void;
  private sending: Pending[] = [];
  private pumping = false;
  private closed = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private waiters: { target: number; resolve: () => void }[] = [];
  private counts = { routed: 0, persisted: 0, dropped: 0, writeErrors: 0 };

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
    this.endpoints = resolveEndpoints(configs);
    this.options = options;
    this.logger = resolveOptions({ logger: options.logger, onDrop: options.onDrop }).logger;
    const prefix = resolvePrefix(options.prefix);
    const maxBuffered = positiveInteger(options.maxBuffered, "options.maxBuffered", 10_000);
    const keepDelivered = positiveInteger(options.keepDelivered, "options.keepDelivered", 1000);
    const keepDead = positiveInteger(options.keepDead, "options.keepDead", 10_000);
    this.buffer = new RingBuffer(maxBuffered);
    // No offline queue: a write fails at once while Redis is away, and this
    // producer's own bounded buffer, not ioredis, holds what is owed.
    this.redis = openRedis(options.connection, { enableOfflineQueue: false });
    this.redis.on("error", (error) => this.log("debug", "redis connection error", { error }));
    for (const endpoint of this.endpoints) {
      const jobOptions: JobsOptions = {
        attempts: endpoint.retryCount + 1,
        backoff: { type: BACKOFF_TYPE },
        removeOnComplete: { count: keepDelivered },
        removeOnFail: { count: keepDead },
      };
      const queue = new Queue(endpoint.queueName, {
        connection: this.redis,
        prefix,
        defaultJobOptions: jobOptions,
      });
      queue.on("error", (error) => this.log("debug", "queue error", { error }));
      this.queues.set(endpoint.id, queue);
    }
    for (const type of EVENT_TYPES) {
      const targets = this.endpoints.filter((endpoint) => endpoint.events.includes(type));
      if (targets.length > 0) this.routes.set(type, targets);
    }
    this.unsubscribe = bus.onAny(this.onEvent);
  }

  /**
   * Routes an event exactly as if the bus had emitted it; returns how many
   * endpoints took it.
   *
   * @throws DispatcherClosedError after `close()`.
   */
  dispatch(event: DispatchableEvent): number {
    if (this.closed) throw new DispatcherClosedError(event.type);
    return this.route(event);
  }

  /** Resolves once every delivery routed before the call is in Redis (or dropped). */
  persisted(): Promise<void> {
    const target = this.counts.routed;
    if (this.settledCount() >= target) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ target, resolve }));
  }

  stats(): ProducerStats {
    return {
      ...this.counts,
      buffered: this.buffer.length + this.sending.length,
    };
  }

  /**
   * Unsubscribes, writes what is buffered (until `deadlineMs`, if given),
   * drops and reports what is left, and closes the Redis connection.
   */
  async close(options: { deadlineMs?: number } = {}): Promise<ProducerCloseReport> {
    this.closed = true;
    this.unsubscribe();
    const timedOut = await waitWithDeadline(this.persisted(), options.deadlineMs);
    this.stopped = true;
    this.wake?.();
    let unsent = 0;
    for (const pending of [...this.sending.splice(0), ...this.buffer.drain()]) {
      unsent++;
      this.drop(pending, "unsent");
    }
    this.resolveWaiters();
    await Promise.all(
      [...this.queues.values()].map((queue) => queue.close().catch(() => undefined)),
    );
    this.redis.disconnect();
    return { timedOut, unsent, stats: this.stats() };
  }

  // The bus handler: O(1) per endpoint, no I/O, never throws.
  private readonly onEvent = (event: DispatchableEvent): void => {
    if (this.closed) {
      for (const endpoint of this.routes.get(event.type) ?? []) {
        this.drop({ endpoint, id: randomUUID(), event, createdAt: Date.now() }, "closed");
      }
      return;
    }
    this.route(event);
  };

  private route(event: DispatchableEvent): number {
    const targets = this.routes.get(event.type);
    if (targets === undefined) return 0;
    const createdAt = Date.now();
    let taken = 0;
    for (const endpoint of targets) {
      // The delivery id is minted here, once: it becomes the job id, so every write retry,
      // every attempt and every worker sees the same one.
      const pending: Pending = { endpoint, id: randomUUID(), event, createdAt };
      this.counts.routed++;
      if (this.buffer.push(pending)) taken++;
      else this.drop(pending, "buffer_full");
    }
    if (!this.pumping) {
      this.pumping = true;
      setImmediate(() => void this.pump());
    }
    return taken;
  }

  private async pump(): Promise<void> {
    let failures = 0;
    try {
      while (!this.stopped && (this.sending.length > 0 || this.buffer.length > 0)) {
        if (this.sending.length === 0) this.sending = this.takeBatch();
        try {
          await this.write(this.sending);
          this.counts.persisted += this.sending.length;
          this.sending = [];
          failures = 0;
          this.resolveWaiters();
        } catch (error) {
          this.counts.writeErrors++;
          if (failures++ === 0)
            this.log("warn", "writing deliveries to Redis failed; retrying", { error });
          await this.sleep(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(failures, 10)));
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    while (batch.length < BATCH_SIZE) {
      const next = this.buffer.shift();
      if (next === undefined) break;
      batch.push(next);
    }
    return batch;
  }

  /** One addBulk (a MULTI) per endpoint queue; retried whole, as job ids make re-adds no-ops. */
  private async write(batch: Pending[]): Promise<void> {
    const bodies = new Map<DispatchableEvent, string>();
    const perQueue = new Map<
      string,
      { name: string; data: DeliveryJobData; opts: JobsOptions }[]
    >();
    for (const pending of batch) {
      let body = bodies.get(pending.event);
      if (body === undefined) {
        try {
          body = JSON.stringify(toWebhookPayload(pending.event));
        } catch {
          this.drop(pending, "unserializable");
          continue;
        }
        bodies.set(pending.event, body);
      }
      const jobs = perQueue.get(pending.endpoint.id) ?? [];
      jobs.push({
        name: jobNameFor(pending.event.type),
        data: { type: pending.event.type, body, createdAt: pending.createdAt },
        opts: { jobId: pending.id },
      });
      perQueue.set(pending.endpoint.id, jobs);
    }
    await Promise.all(
      [...perQueue].map(([id, jobs]) => (this.queues.get(id) as Queue).addBulk(jobs)),
    );
  }

  /** Waits before the next write attempt; `close()` cuts it short through `wake`. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private settledCount(): number {
    return this.counts.persisted + this.counts.dropped;
  }

  private resolveWaiters(): void {
    const settled = this.stopped ? Number.POSITIVE_INFINITY : this.settledCount();
    this.waiters = this.waiters.filter((waiter) => {
      if (waiter.target > settled) return true;
      waiter.resolve();
      return false;
    });
  }

  private drop(pending: Pending, reason: ProducerDrop["reason"]): void {
    this.counts.dropped++;
    const onDrop = this.options.onDrop;
    if (onDrop === undefined) {
      if (reason !== "buffer_full") {
        this.log("warn", `delivery ${pending.id} not enqueued (${reason})`, {
          endpoint: pending.endpoint.label,
        });
      }
      return;
    }
    try {
      onDrop({
        endpointId: pending.endpoint.id,
        deliveryId: pending.id,
        event: pending.event,
        reason,
      });
    } catch (error) {
      this.log("error", "onDrop hook threw", { error });
    }
  }

  private log(level: "debug" | "warn" | "error", message: string, fields: Record<string, unknown>) {
    if (this.logger === null) return;
    try {
      this.logger[level]?.(message, fields);
    } catch {
      // A broken logger must not break enqueueing.
    }
  }
}

export function positiveInteger(value: unknown, at: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    throw invalidOption(at, "an integer ≥ 1", value, `pass e.g. ${fallback}, or leave it out`);
  }
  return value;
}
