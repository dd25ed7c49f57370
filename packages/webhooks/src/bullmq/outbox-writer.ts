/**
 * The producer's background writes: batches taken from the outbox go to
 * Redis as one BullMQ `addBulk` pipeline per endpoint queue, retried whole,
 * under the same delivery ids, until Redis takes them.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import { type JobsOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { FormattedBody } from "../format/formatted-body";
import type { OperatorEvent } from "../reporting/operator-events";
import type { Reporter } from "../reporting/reporter";
import type { Endpoint } from "../router/endpoint";
import type { PayloadBytes } from "../router/payload-bytes";
import { queueNameFor } from "./endpoints";
import { BACKOFF_TYPE, type DeliveryJobData } from "./job-data";
import type { OutgoingDelivery, RedisOutbox } from "./outbox";

/** What the writer needs from its producer. */
export interface OutboxWriterDeps {
  readonly redis: Redis;
  readonly prefix: string;
  /** Delivered and dead jobs kept in Redis per endpoint. */
  readonly retention: { readonly delivered: number; readonly dead: number };
  readonly bytes: PayloadBytes;
  readonly reporter: Reporter;
  /** A delivery whose body cannot be made (data, or its endpoint's format): reported once, never written. */
  unserializable(delivery: OutgoingDelivery, error: unknown): void;
  /** `count` deliveries left the outbox for good (written, or skipped as unserializable). */
  settled(count: number): void;
  /** Reports `producer.failing` and `producer.recovered` on the producer's events. */
  emit(event: OperatorEvent): void;
  /** The Redis address for reports, password redacted. */
  readonly target: string;
}

type BulkJob = { name: string; data: DeliveryJobData; opts: JobsOptions };

const BATCH_SIZE = 500;
const RETRY_MIN_MS = 50;
const RETRY_MAX_MS = 2000;

/** Drains a `RedisOutbox` into the endpoints' BullMQ queues. */
export class OutboxWriter {
  private readonly queues = new Map<string, Queue>();
  /** The batch being written, kept until Redis took it. */
  private sending: OutgoingDelivery[] = [];
  private wake: (() => void) | undefined;
  private running = false;
  private stopped = false;
  private readonly reported = new Set<string>();
  /** The failing stretch under way: since when, and failed writes in it. */
  private failing: { since: number; writeErrors: number } | undefined;
  readonly counts = { persisted: 0, writes: 0, writeErrors: 0 };

  constructor(
    private readonly outbox: RedisOutbox,
    endpoints: readonly Endpoint[],
    private readonly host: OutboxWriterDeps,
  ) {
    for (const endpoint of endpoints) this.queues.set(endpoint.id, this.openQueue(endpoint));
  }

  /** Deliveries taken from the outbox and not yet in Redis. */
  get inFlight(): number {
    return this.sending.length;
  }

  /** Starts writing what the outbox holds; cheap to call on every enqueue. */
  readonly schedule = (): void => {
    if (this.running || this.stopped) return;
    this.running = true;
    setImmediate(() => void this.run());
  };

  /** Stops writing and returns what was taken but not written, ids kept. */
  stop(): OutgoingDelivery[] {
    this.stopped = true;
    this.wake?.();
    return this.sending.splice(0);
  }

  /** Closes the queue handles (the connection is the producer's). */
  async close(): Promise<void> {
    await Promise.all(
      [...this.queues.values()].map((queue) => queue.close().catch(() => undefined)),
    );
  }

  private openQueue(endpoint: Endpoint): Queue {
    const defaultJobOptions: JobsOptions = {
      attempts: endpoint.config.delivery.retry.maxRetries + 1,
      backoff: { type: BACKOFF_TYPE },
      removeOnComplete: { count: this.host.retention.delivered },
      removeOnFail: { count: this.host.retention.dead },
    };
    const queue = new Queue(queueNameFor(endpoint.id), {
      connection: this.host.redis,
      prefix: this.host.prefix,
      defaultJobOptions,
    });
    queue.on("error", (error) => this.host.reporter.log("debug", "queue error", { error }));
    return queue;
  }

  private async run(): Promise<void> {
    try {
      while (!this.stopped && this.outbox.length > 0) {
        this.sending = this.outbox.take(BATCH_SIZE, randomUUID);
        await this.writeUntilTaken(this.sending);
        if (this.stopped) return; // stop() took the batch back
        const written = this.sending.splice(0);
        if (this.reported.size > 0) for (const { id } of written) this.reported.delete(id);
        this.host.settled(written.length);
      }
    } finally {
      this.running = false;
    }
  }

  private async writeUntilTaken(batch: readonly OutgoingDelivery[]): Promise<void> {
    for (let failures = 0; !this.stopped; failures++) {
      try {
        const written = await this.write(batch);
        this.counts.persisted += written;
        this.recovered();
        return;
      } catch (error) {
        this.failed(error);
        await this.sleep(Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** Math.min(failures + 1, 10)));
      }
    }
  }

  /** Counts a failed write; the first of a stretch is logged and reported at once. */
  private failed(error: unknown): void {
    this.counts.writeErrors++;
    if (this.failing !== undefined) {
      this.failing.writeErrors++;
      return;
    }
    const since = Date.now();
    this.failing = { since, writeErrors: 1 };
    const { target: redis } = this.host;
    const message = error instanceof Error ? error.message : String(error);
    this.host.reporter.log("warn", "writing deliveries to Redis failed; retrying", {
      redis,
      error,
    });
    this.host.emit({ name: "producer.failing", data: { redis, since, message } });
  }

  private recovered(): void {
    if (this.failing === undefined) return;
    const { since, writeErrors } = this.failing;
    this.failing = undefined;
    const downMs = Date.now() - since;
    const { target: redis } = this.host;
    this.host.reporter.log("warn", "writing deliveries to Redis works again", { redis, downMs });
    this.host.emit({ name: "producer.recovered", data: { redis, since, downMs, writeErrors } });
  }

  /**
   * Fails at once unless the client is connected: BullMQ waits without end
   * for a client that never connected, which hid a Redis that was down at start.
   */
  private async connected(): Promise<void> {
    const { redis } = this.host;
    if (redis.status === "ready") return;
    if (redis.status !== "connecting" && redis.status !== "connect" && redis.status !== "wait") {
      throw new Error(`Redis is not connected (${redis.status})`);
    }
    await new Promise<void>((resolve, reject) => {
      const settle = (error?: unknown) => {
        redis.off("ready", settle);
        redis.off("error", settle);
        if (error === undefined) resolve();
        else reject(error);
      };
      redis.once("ready", settle);
      redis.once("error", settle);
    });
  }

  /** One addBulk (one pipeline) per endpoint queue; a failed write is retried whole, ids unchanged. */
  private async write(batch: readonly OutgoingDelivery[]): Promise<number> {
    const perQueue = new Map<string, BulkJob[]>();
    let written = 0;
    for (const delivery of batch) {
      const job = this.toJob(delivery);
      if (job === undefined) continue;
      const jobs = perQueue.get(delivery.endpoint.id);
      if (jobs === undefined) perQueue.set(delivery.endpoint.id, [job]);
      else jobs.push(job);
      written++;
    }
    await this.connected();
    await Promise.all(
      [...perQueue].map(async ([id, jobs]) => {
        await (this.queues.get(id) as Queue).addBulk(jobs);
        this.counts.writes++;
      }),
    );
    return written;
  }

  private toJob(delivery: OutgoingDelivery): BulkJob | undefined {
    let formatted: FormattedBody;
    try {
      const { endpoint } = delivery;
      formatted = this.host.bytes.bodyFor(delivery.event, endpoint.config.format, endpoint.id);
    } catch (error) {
      // Reported once: a retried write of this batch skips it again without a second letter.
      if (!this.reported.has(delivery.id)) {
        this.reported.add(delivery.id);
        this.host.unserializable(delivery, error);
      }
      return undefined;
    }
    return {
      name: delivery.event.type.toUpperCase(),
      data: toJobData(formatted, delivery.createdAt),
      opts: { jobId: delivery.id },
    };
  }

  /** Waits before the next write attempt; `stop()` cuts it short. */
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
}

/** The job data of a delivery: the body as text, and a custom format's content type and headers. */
function toJobData(formatted: FormattedBody, createdAt: number): DeliveryJobData {
  const { body, contentType, headers } = formatted;
  return {
    body: Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"),
    ...(contentType === undefined ? {} : { contentType }),
    ...(headers === undefined ? {} : { headers }),
    createdAt,
  };
}
