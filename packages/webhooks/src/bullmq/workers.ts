/**
 * The delivering side of the distributed mode: in place of the local
 * scheduler, one BullMQ worker per endpoint queue in this process, all
 * started and stopped together.
 *
 * @module
 */
import { EventBus } from "@attesta/events";
import type { Redis } from "ioredis";
import { integerOption } from "../options/integer-option";
import { resolveOptions } from "../options/resolve-options";
import type { EndpointStats } from "../reporting/hook-payloads";
import type { DispatcherEvents, OperatorEvent } from "../reporting/operator-events";
import { Reporter } from "../reporting/reporter";
import { SharedAgent } from "../transport/shared-agent";
import type { WebhookDispatcherOptions } from "../types";
import { openRedis, type RedisQueueOptions, resolvePrefix } from "./connection";
import { createEndpointWorker, type EndpointWorker } from "./endpoint-worker";
import { type DistributedEndpointConfig, resolveEndpoints } from "./endpoints";
import { applyQueueLimits } from "./queue-limits";
import { refuseForeignOptions } from "./unsupported-options";
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

const WORKER_OPTION_KEYS = [
  "connection",
  "prefix",
  "lockDurationMs",
  "stalledIntervalMs",
  "maxStalledCount",
  "logger",
  "onAttempt",
  "onDeadLetter",
  "maxResponseBytes",
  "network",
  "maxSockets",
  "connectionsPerOrigin",
  "keepAliveTimeoutMs",
];

/** What `close()` resolves to. */
export interface WorkersCloseReport {
  /** Whether the deadline came before every in-flight delivery finished. */
  readonly timedOut: boolean;
  /** Deliveries whose attempt was aborted at the deadline and given back to their queue. */
  readonly handedBack: number;
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
  private readonly running: EndpointWorker[] = [];
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
    refuseForeignOptions(options, "BullMQ workers", WORKER_OPTION_KEYS);
    const { connection, prefix, lockDurationMs, stalledIntervalMs, maxStalledCount, ...hooks } =
      options;
    const resolved = resolveOptions(hooks);
    this.reporter = new Reporter(resolved, () => endpoints, this.emit);
    const keyPrefix = resolvePrefix(prefix);
    const lockDuration = integerOption(lockDurationMs, "options.lockDurationMs", 30_000, 1);
    const locks = {
      lockDuration,
      stalledInterval: integerOption(
        stalledIntervalMs,
        "options.stalledIntervalMs",
        lockDuration,
        1,
      ),
      maxStalledCount: integerOption(maxStalledCount, "options.maxStalledCount", 3, 1),
    };
    // Commands wait out a Redis restart instead of failing: workers must never need a restart.
    this.agent = new SharedAgent(
      { ...resolved.connections, warn: (message) => this.reporter.log("warn", message, {}) },
      "options",
    );
    this.redis = openRedis(connection, { maxRetriesPerRequest: null });
    this.redis.on("error", (error) => this.reporter.log("debug", "redis error", { error }));
    const host = {
      redis: this.redis,
      prefix: keyPrefix,
      locks,
      agent: this.agent,
      maxResponseBytes: resolved.maxResponseBytes,
      reporter: this.reporter,
      emit: this.emit,
      handingBack: () => this.deadlinePassed,
      handedBack: () => {
        this.handedBack++;
      },
    };
    for (const endpoint of endpoints) this.running.push(createEndpointWorker(endpoint, host));
  }

  /** Emits on `events`; a throwing listener is the bus's business (its onError). */
  private readonly emit = (event: OperatorEvent): void => {
    this.events.emit({ type: event.name, data: event.data } as never);
  };

  /** Resolves once every worker is connected and its queue's cluster-wide limits are set. */
  async ready(): Promise<void> {
    await Promise.all(
      this.running.map(async ({ worker, queue, endpoint }) => {
        await worker.waitUntilReady();
        await applyQueueLimits(queue, endpoint);
      }),
    );
  }

  /** What this process did, per endpoint, in the local dispatcher's shape (queued: 0, see `WebhookQueues` for the cluster). */
  stats(): EndpointStats[] {
    return this.running.map(({ endpoint, inFlight }) => endpoint.stats(0, inFlight()));
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
