/**
 * The delivering side of the distributed mode: in place of the local
 * scheduler, one BullMQ worker per endpoint queue in this process, all
 * started and stopped together.
 *
 * @module
 */
import { EventBus } from "@attesta/events";
import { type Job, MetricsTime, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { DispatcherEvents } from "../operator-events";
import { Reporter } from "../reporter";
import { resolveOptions } from "../resolve-options";
import type { Endpoint } from "../router/endpoint";
import { EndpointHealth } from "../scheduler/endpoint-health";
import type { OperatorEvent } from "../scheduler/endpoint-scheduler";
import { EndpointTransport } from "../transport/endpoint-transport";
import { SharedAgent } from "../transport/shared-agent";
import type { EndpointStats, WebhookDispatcherOptions } from "../types";
import { openRedis, type RedisQueueOptions, resolvePrefix } from "./connection";
import { type DistributedEndpointConfig, queueNameFor, resolveEndpoints } from "./endpoints";
import type { DeliveryJobData, StoredAttempt } from "./job-data";
import { AttemptFailedError, createProcessor } from "./process-delivery";
import { positiveInteger } from "./producer";
import { statsKeyFor } from "./stats";
import { waitWithDeadline } from "./wait-with-deadline";

/** Options of `startWebhookWorkers(configs, options)`. */
export interface WebhookWorkersOptions
  extends RedisQueueOptions,
    Pick<
      WebhookDispatcherOptions,
      | "logger"
      | "onAttempt"
      | "onDeadLetter"
      | "maxResponseBytes"
      | "network"
      | "maxSockets"
      | "connectionsPerOrigin"
      | "keepAliveTimeoutMs"
    > {
  /**
   * How long a job stays locked to this process without a renewal (renewed
   * every half of it while the attempt runs); the job of a crashed process is
   * picked up by another this long after the crash. Default `30000`.
   */
  lockDurationMs?: number;
  /** How often this process looks for jobs of crashed workers. Default `lockDurationMs`. */
  stalledIntervalMs?: number;
  /** Crashes a job may live through before it is failed (poison-pill guard). Default `3`. */
  maxStalledCount?: number;
}

/** What `close()` resolves to. */
export interface WorkersCloseReport {
  /** Whether the deadline came before every in-flight delivery finished. */
  readonly timedOut: boolean;
  /** Deliveries whose attempt was aborted at the deadline and given back to their queue. */
  readonly handedBack: number;
}

interface Running {
  readonly endpoint: Endpoint;
  readonly worker: Worker<DeliveryJobData, StoredAttempt>;
  readonly queue: Queue;
  readonly transport: EndpointTransport;
  /** Jobs this process is running for the endpoint now. */
  inFlight: number;
}

/**
 * Delivery workers of this process, one per endpoint queue. Start as many
 * processes as you like, on as many machines: each endpoint's `concurrency`
 * is a cluster-wide limit (BullMQ global concurrency), and the job of a
 * crashed process is picked up by another once its lock expires.
 */
export class WebhookWorkers {
  /** What this process reports about its deliveries: dead deliveries, hook failures. */
  readonly events = new EventBus<DispatcherEvents>();
  private readonly running: Running[] = [];
  private readonly redis: Redis;
  /** This process's connections, shared by its endpoints: one socket cap per worker process. */
  private readonly agent: SharedAgent;
  private readonly reporter: Reporter;
  private deadlinePassed = false;
  private handedBack = 0;
  private closing: Promise<WorkersCloseReport> | undefined;

  /** Validates everything and creates the workers; `ready()` waits for Redis. Prefer `startWebhookWorkers`. */
  constructor(configs: readonly DistributedEndpointConfig[], options: WebhookWorkersOptions) {
    const endpoints = resolveEndpoints(configs);
    const { connection, prefix, lockDurationMs, stalledIntervalMs, maxStalledCount, ...hooks } =
      options;
    const resolved = resolveOptions(hooks);
    this.reporter = new Reporter(resolved, () => endpoints, this.emit);
    const keyPrefix = resolvePrefix(prefix);
    const lockDuration = positiveInteger(lockDurationMs, "options.lockDurationMs", 30_000);
    const locks = {
      lockDuration,
      stalledInterval: positiveInteger(
        stalledIntervalMs,
        "options.stalledIntervalMs",
        lockDuration,
      ),
      maxStalledCount: positiveInteger(maxStalledCount, "options.maxStalledCount", 3),
    };
    // Commands wait out a Redis restart instead of failing: workers must never need a restart.
    this.agent = new SharedAgent(resolved.connections, "options");
    this.redis = openRedis(connection, { maxRetriesPerRequest: null });
    this.redis.on("error", (error) => this.reporter.log("debug", "redis error", { error }));
    for (const endpoint of endpoints) {
      const transport = new EndpointTransport(
        endpoint.config,
        resolved.maxResponseBytes,
        this.agent,
      );
      const name = queueNameFor(endpoint.id);
      const queue = new Queue(name, { connection: this.redis, prefix: keyPrefix });
      queue.on("error", (error) => this.reporter.log("debug", "queue error", { error }));
      const statsKey = statsKeyFor(keyPrefix, name);
      // The breaker lives in this process: each worker process judges the endpoint by its own
      // attempts. Disabling would need cluster-wide state, so it is left off here.
      const health = new EndpointHealth(
        { endpointId: endpoint.id, url: endpoint.config.label },
        { ...endpoint.config.delivery.health, disableOnGone: false, disableAfterMs: Infinity },
        Date.now,
        this.emit,
      );
      const judge = createProcessor(endpoint, health, {
        emit: this.emit,
        transport,
        reporter: this.reporter,
        handingBack: () => this.deadlinePassed,
        handedBack: () => {
          this.handedBack++;
        },
        recordFailure: async (job, record) => {
          await Promise.all([
            job.log(JSON.stringify(record)),
            this.redis.hincrby(statsKey, "failedAttempts", 1),
          ]);
        },
      });
      const processor = async (
        job: Job<DeliveryJobData>,
        token?: string,
        signal?: AbortSignal,
      ): Promise<StoredAttempt> => {
        running.inFlight++;
        try {
          return await judge(job, token, signal);
        } finally {
          running.inFlight--;
        }
      };
      const delays = endpoint.config.delivery.retry;
      const worker = new Worker<DeliveryJobData, StoredAttempt>(name, processor, {
        connection: this.redis,
        prefix: keyPrefix,
        concurrency: endpoint.config.concurrency,
        ...locks,
        metrics: { maxDataPoints: MetricsTime.ONE_WEEK },
        settings: {
          // The retry policy already chose the wait; BullMQ only keeps the job delayed that long.
          backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
            error instanceof AttemptFailedError
              ? error.retryInMs
              : (delays.delayFor(attemptsMade) ?? 0),
        },
      });
      worker.on("error", (error) =>
        this.reporter.log("warn", "worker error", { endpoint: endpoint.config.label, error }),
      );
      worker.on("failed", (job: Job<DeliveryJobData> | undefined, error: Error) => {
        // Failures the processor did not judge: a job that crashed workers too often.
        if (job === undefined || error instanceof AttemptFailedError) return;
        if (error.name === "UnrecoverableError") return;
        this.reporter.log("warn", `delivery ${job.id} failed: ${error.message}`, {
          endpoint: endpoint.config.label,
        });
      });
      const running: Running = { endpoint, worker, queue, transport, inFlight: 0 };
      this.running.push(running);
    }
  }

  /** Emits on `events`; a throwing listener is the bus's business (its onError). */
  private readonly emit = (event: OperatorEvent): void => {
    this.events.emit({ type: event.name, data: event.data } as never);
  };

  /** Resolves once every worker is connected and its queue's cluster-wide concurrency is set. */
  async ready(): Promise<void> {
    await Promise.all(
      this.running.map(async ({ worker, queue, endpoint }) => {
        await worker.waitUntilReady();
        await queue.setGlobalConcurrency(endpoint.config.concurrency);
      }),
    );
  }

  /** What this process did, per endpoint, in the local dispatcher's shape (queued: 0, see `WebhookQueues` for the cluster). */
  stats(): EndpointStats[] {
    return this.running.map(({ endpoint, inFlight }) => endpoint.stats(0, inFlight));
  }

  /**
   * Stops taking jobs and lets in-flight deliveries finish until
   * `deadlineMs`; then aborts their requests and gives those jobs back to
   * their queues (their retry series untouched) for another worker.
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
      for (const { worker, transport } of this.running) {
        worker.cancelAllJobs("shutdown deadline");
        transport.abandonAll();
      }
      await closed;
    }
    await Promise.all(this.running.map(({ queue }) => queue.close().catch(() => undefined)));
    // Every worker is closed, so no request runs any more: this only closes idle sockets.
    await this.agent.close();
    await this.redis.quit().catch(() => this.redis.disconnect());
    this.reporter.flushWarnings();
    return { timedOut, handedBack: this.handedBack };
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
