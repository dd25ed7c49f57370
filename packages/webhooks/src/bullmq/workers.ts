/**
 * The delivering side of the distributed mode: one BullMQ worker per endpoint
 * queue in this process, all started and stopped together.
 *
 * @module
 */
import { type Job, MetricsTime, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { resolveOptions } from "../resolve-options";
import type { DeadLetter, DeliveryAttempt, WebhookLogger } from "../types";
import { openRedis, type RedisQueueOptions, resolvePrefix } from "./connection";
import { type DistributedEndpointConfig, resolveEndpoints } from "./endpoints";
import type { DeliveryJobData, StoredAttempt } from "./job-data";
import { AttemptFailedError, createProcessor } from "./process-delivery";
import { positiveInteger } from "./producer";
import { retryDelayMs } from "./retry-delay";
import { type AttemptSender, createAttemptSender } from "./send-attempt";
import { statsKeyFor } from "./stats";
import { waitWithDeadline } from "./wait-with-deadline";

/** Options of `startWebhookWorkers(configs, options)`. */
export interface WebhookWorkersOptions extends RedisQueueOptions {
  /**
   * How long a job stays locked to this process without a lock renewal; a
   * job of a crashed worker is picked up by another this long after the
   * crash. Default `30000`. Keep it well above `timeoutMs`'s event-loop stalls.
   */
  lockDurationMs?: number;
  /** How often this process looks for jobs of crashed workers. Default `lockDurationMs`. */
  stalledIntervalMs?: number;
  /** Crashes a job may live through before it is dead-lettered (poison pill guard). Default `3`. */
  maxStalledCount?: number;
  /** Response bytes read before the connection is dropped instead. Default `65536`. */
  maxResponseBytes?: number;
  /** Called after every attempt this process makes. */
  onAttempt?: (attempt: DeliveryAttempt) => void;
  /** Called for every delivery this process dead-letters (it stays in Redis, see `WebhookQueues`). */
  onDeadLetter?: (letter: DeadLetter) => void;
  /** Diagnostics sink; `null` silences it. Default: warnings and errors to `console`. */
  logger?: WebhookLogger | null;
}

/** What `close()` resolves to. */
export interface WorkersCloseReport {
  /** Whether the deadline came before every in-flight delivery finished. */
  readonly timedOut: boolean;
  /** Deliveries whose attempt was aborted at the deadline and given back to their queue. */
  readonly handedBack: number;
}

interface Running {
  readonly worker: Worker<DeliveryJobData, StoredAttempt>;
  readonly queue: Queue;
  readonly sender: AttemptSender;
}

/**
 * Delivery workers of this process, one per endpoint queue. Start as many
 * processes as you like, on as many machines: each endpoint's concurrency is
 * a cluster-wide limit (BullMQ global concurrency), and a job of a crashed
 * process is picked up by another once its lock expires.
 */
export class WebhookWorkers {
  private readonly running: Running[] = [];
  private readonly redis: Redis;
  private readonly logger: WebhookLogger | null;
  private deadlinePassed = false;
  private handedBack = 0;
  private closing: Promise<WorkersCloseReport> | undefined;

  /** @internal Use `startWebhookWorkers`. */
  constructor(configs: readonly DistributedEndpointConfig[], options: WebhookWorkersOptions) {
    const endpoints = resolveEndpoints(configs);
    const prefix = resolvePrefix(options.prefix);
    const hooks = resolveOptions({
      logger: options.logger,
      onAttempt: options.onAttempt,
      onDeadLetter: options.onDeadLetter,
      maxResponseBytes: options.maxResponseBytes,
    });
    this.logger = hooks.logger;
    const lockDuration = positiveInteger(options.lockDurationMs, "options.lockDurationMs", 30_000);
    const stalledInterval = positiveInteger(
      options.stalledIntervalMs,
      "options.stalledIntervalMs",
      lockDuration,
    );
    const maxStalledCount = positiveInteger(options.maxStalledCount, "options.maxStalledCount", 3);
    // Workers block and retry forever: a command must wait out a Redis restart, never fail.
    this.redis = openRedis(options.connection, { maxRetriesPerRequest: null });
    this.redis.on("error", (error) => this.log("debug", "redis connection error", { error }));
    for (const endpoint of endpoints) {
      const sender = createAttemptSender(endpoint, hooks.maxResponseBytes);
      const queue = new Queue(endpoint.queueName, { connection: this.redis, prefix });
      queue.on("error", (error) => this.log("debug", "queue error", { error }));
      const statsKey = statsKeyFor(prefix, endpoint.queueName);
      const processor = createProcessor(endpoint, {
        send: sender.send,
        handingBack: () => this.deadlinePassed,
        recordFailure: async (job, record) => {
          await Promise.all([
            job.log(JSON.stringify(record)),
            this.redis.hincrby(statsKey, "failedAttempts", 1),
          ]);
        },
        handedBack: () => {
          this.handedBack++;
        },
        attempted: (attempt) => this.call(hooks.onAttempt, attempt),
        deadLettered: (letter) => this.call(hooks.onDeadLetter, letter),
      });
      const worker = new Worker<DeliveryJobData, StoredAttempt>(endpoint.queueName, processor, {
        connection: this.redis,
        prefix,
        concurrency: endpoint.concurrency,
        lockDuration,
        stalledInterval,
        maxStalledCount,
        metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
        settings: {
          // Our retry policy decides every wait; BullMQ only keeps the delayed job.
          backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
            error instanceof AttemptFailedError
              ? error.retryInMs
              : retryDelayMs(endpoint, attemptsMade, undefined),
        },
      });
      worker.on("error", (error) =>
        this.log("warn", "worker error", { endpoint: endpoint.label, error }),
      );
      worker.on("failed", (job: Job<DeliveryJobData> | undefined, error: Error) => {
        // Failures our processor did not decide (a job that crashed workers too often).
        if (job === undefined || error instanceof AttemptFailedError) return;
        if (error.name === "UnrecoverableError") return;
        this.log("warn", `delivery ${job.id} dead: ${error.message}`, { endpoint: endpoint.label });
      });
      this.running.push({ worker, queue, sender });
    }
  }

  /** Resolves once every worker is connected and its queue's cluster-wide concurrency is set. */
  async ready(): Promise<void> {
    await Promise.all(
      this.running.map(async ({ worker, queue }) => {
        await worker.waitUntilReady();
        await queue.setGlobalConcurrency(worker.concurrency);
      }),
    );
  }

  /**
   * Stops taking jobs and lets in-flight deliveries finish until
   * `deadlineMs`; then aborts their requests and gives those jobs back to
   * their queues (their retry budget untouched) for another worker.
   */
  close(options: { deadlineMs?: number } = {}): Promise<WorkersCloseReport> {
    this.closing ??= this.shutdown(options.deadlineMs);
    return this.closing;
  }

  private async shutdown(deadlineMs: number | undefined): Promise<WorkersCloseReport> {
    const closed = Promise.all(this.running.map(({ worker }) => worker.close()));
    const timedOut = await waitWithDeadline(closed, deadlineMs);
    if (timedOut) {
      this.deadlinePassed = true;
      for (const { worker } of this.running) worker.cancelAllJobs("shutdown deadline");
      await closed;
    }
    await Promise.all(
      this.running.map(async ({ queue, sender }) => {
        await queue.close().catch(() => undefined);
        await sender.close(timedOut);
      }),
    );
    await this.redis.quit().catch(() => this.redis.disconnect());
    return { timedOut, handedBack: this.handedBack };
  }

  private call<T>(hook: ((value: T) => void) | undefined, value: T): void {
    if (hook === undefined) return;
    try {
      hook(value);
    } catch (error) {
      this.log("error", "hook threw", { error });
    }
  }

  private log(level: "debug" | "warn" | "error", message: string, fields: Record<string, unknown>) {
    if (this.logger === null) return;
    try {
      this.logger[level]?.(message, fields);
    } catch {
      // A broken logger must not break delivery.
    }
  }
}

/**
 * Starts delivery workers for every endpoint in this process and resolves
 * once they are connected.
 *
 * @example
 * ```ts
 * import { startWebhookWorkers } from "@attesta/webhooks/bullmq";
 *
 * const workers = await startWebhookWorkers(endpoints, { connection: process.env.REDIS_URL });
 * process.on("SIGTERM", () => void workers.close({ deadlineMs: 10_000 }));
 * ```
 */
export async function startWebhookWorkers(
  configs: readonly DistributedEndpointConfig[],
  options: WebhookWorkersOptions,
): Promise<WebhookWorkers> {
  const workers = new WebhookWorkers(configs, options);
  try {
    await workers.ready();
  } catch (error) {
    await workers.close({ deadlineMs: 0 });
    throw error;
  }
  return workers;
}
