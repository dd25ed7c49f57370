/**
 * The operator's view of the distributed mode: cluster-wide stats, delivery
 * records with their attempts, dead letters and redelivery.
 *
 * @module
 */
import { Job, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { DeliveryAdmin } from "../admin/delivery-admin";
import type { DeliveryRecord, DeliveryStatus } from "../store/delivery-store";
import { redactUrl } from "../transport/redact-url";
import { openRedis, type RedisQueueOptions, resolvePrefix } from "./connection";
import { discoverQueueIds } from "./discover-queues";
import { type DistributedEndpointConfig, queueNameFor, resolveEndpoints } from "./endpoints";
import type { DeliveryJobData, StoredAttempt } from "./job-data";
import { createQueuesAdmin, type QueueEndpoint } from "./queues-admin";
import { type DistributedStats, readEndpointStats, statsKeyFor, totalStats } from "./stats";
import { refuseForeignOptions } from "./unsupported-options";

/** A delivery as held in Redis, with every attempt recorded for it. */
export interface DistributedDelivery extends Omit<DeliveryRecord, "attemptLog"> {
  /** Every attempt, oldest first, with what followed it. */
  readonly attemptLog: readonly StoredAttempt[];
  /** BullMQ's reason for the last failure, for dead letters. */
  readonly failedReason?: string;
}

/**
 * Reads and repairs the queues of a cluster from any process: stats over
 * every worker, a delivery's attempt log, dead letters, redelivery.
 *
 * @example
 * ```ts
 * import { WebhookQueues } from "@attesta/webhooks/bullmq";
 *
 * const queues = new WebhookQueues(endpoints, { connection: process.env.REDIS_URL });
 * for (const letter of await queues.deadLetters()) await queues.redeliver(letter.id);
 * console.log(await queues.stats());
 * await queues.close();
 * ```
 */
/** Endpoint ids found in Redis, standing in for configs (see `WebhookQueues.discover`). */
class DiscoveredIds {
  constructor(readonly ids: readonly string[]) {}
}

export class WebhookQueues {
  /** `shownUrl`: as the stats have always shown it (the config's `shownUrl`). */
  private readonly endpoints: readonly (QueueEndpoint & { shownUrl: string })[];
  private readonly queues = new Map<string, Queue>();
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(configs: readonly DistributedEndpointConfig[], options: RedisQueueOptions) {
    this.endpoints =
      configs instanceof DiscoveredIds
        ? configs.ids.map((id) => ({ id, url: "", shownUrl: "", events: "unknown" as const }))
        : resolveEndpoints(configs).map(({ id, config }) => ({
            id,
            url: config.shownUrl === config.url ? redactUrl(config.url) : config.shownUrl,
            shownUrl: config.shownUrl,
            events: config.events,
          }));
    refuseForeignOptions(options, "WebhookQueues", ["connection", "prefix"]);
    this.prefix = resolvePrefix(options.prefix);
    this.redis = openRedis(options.connection, { maxRetriesPerRequest: 3 });
    this.redis.on("error", () => undefined);
    for (const endpoint of this.endpoints) {
      const queue = new Queue(queueNameFor(endpoint.id), {
        connection: this.redis,
        prefix: this.prefix,
      });
      queue.on("error", () => undefined);
      this.queues.set(endpoint.id, queue);
    }
  }

  /**
   * The queues of every endpoint found under the prefix in Redis, for an
   * operator without the workers' endpoint configs: reads, redelivery and
   * pausing work; URLs and event lists are not known. Rejects with a
   * `RedisConnectError` when Redis does not answer within `connectTimeoutMs`
   * (default 10 s).
   *
   * @example
   * ```ts
   * const queues = await WebhookQueues.discover({ connection: "redis://127.0.0.1:6379" });
   * const admin = queues.admin();
   * ```
   */
  static async discover(
    options: RedisQueueOptions & { connectTimeoutMs?: number },
  ): Promise<WebhookQueues> {
    refuseForeignOptions(options, "WebhookQueues.discover", [
      "connection",
      "prefix",
      "connectTimeoutMs",
    ]);
    const ids = await discoverQueueIds(options, resolvePrefix(options?.prefix));
    const { connectTimeoutMs: _, ...rest } = options;
    return new WebhookQueues(new DiscoveredIds(ids) as never, rest);
  }

  /** Counters over the whole cluster, per endpoint and in total. */
  async stats(): Promise<DistributedStats> {
    const endpoints = await Promise.all(
      this.endpoints.map((endpoint) =>
        readEndpointStats(
          this.queue(endpoint.id),
          this.redis,
          { id: endpoint.id, url: endpoint.shownUrl },
          statsKeyFor(this.prefix, queueNameFor(endpoint.id)),
        ),
      ),
    );
    return totalStats(endpoints);
  }

  /** A delivery by id, with its attempt log; undefined when no endpoint queue holds it. */
  async get(deliveryId: string): Promise<DistributedDelivery | undefined> {
    for (const endpoint of this.endpoints) {
      const job = await this.queue(endpoint.id).getJob(deliveryId);
      if (job !== undefined) return this.toRecord(endpoint, job as Job<DeliveryJobData>);
    }
    return undefined;
  }

  /** Dead letters, newest first: of one endpoint, or of all. */
  async deadLetters(
    query: { endpoint?: string; limit?: number } = {},
  ): Promise<DistributedDelivery[]> {
    const limit = query.limit ?? 100;
    const endpoints = this.endpoints.filter(
      (endpoint) => query.endpoint === undefined || endpoint.id === query.endpoint,
    );
    const records: DistributedDelivery[] = [];
    for (const endpoint of endpoints) {
      const jobs = await this.queue(endpoint.id).getFailed(0, limit - 1);
      for (const job of jobs)
        records.push(await this.toRecord(endpoint, job as Job<DeliveryJobData>, true));
    }
    return records.sort((a, b) => (b.settledAt ?? 0) - (a.settledAt ?? 0)).slice(0, limit);
  }

  /**
   * Puts a dead letter back into its queue under the same delivery id, with
   * a fresh retry budget; attempt numbers continue. Returns false when no
   * dead letter has that id.
   */
  async redeliver(deliveryId: string): Promise<boolean> {
    for (const endpoint of this.endpoints) {
      const job = await this.queue(endpoint.id).getJob(deliveryId);
      if (job === undefined) continue;
      if ((await job.getState()) !== "failed") return false;
      await job.retry("failed", { resetAttemptsMade: true });
      return true;
    }
    return false;
  }

  /**
   * The operator's interface to the cluster (see `DeliveryAdmin`); closing
   * it closes these queues.
   *
   * @example
   * ```ts
   * const admin = new WebhookQueues(endpoints, { connection }).admin();
   * await admin.recover({ since: Date.now() - 3_600_000 });
   * ```
   */
  admin(): DeliveryAdmin {
    return createQueuesAdmin({
      endpoints: this.endpoints,
      redis: this.redis,
      queue: (id) => this.queue(id),
      get: (id) => this.get(id) as Promise<DeliveryRecord | undefined>,
      redeliver: (id) => this.redeliver(id),
      close: () => this.close(),
    });
  }

  /** Closes the connection. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.queues.values()].map((queue) => queue.close().catch(() => undefined)),
    );
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private queue(id: string): Queue {
    return this.queues.get(id) as Queue;
  }

  private async toRecord(
    endpoint: QueueEndpoint,
    fetched: Job<DeliveryJobData>,
    /** The copy was read from the failed set, so after the job settled. */
    fetchedSettled = false,
  ): Promise<DistributedDelivery> {
    const queue = this.queue(endpoint.id);
    const id = fetched.id as string;
    // State first, then the job and its log: a job that settled after `fetched` was read has its
    // return value only in a newer copy. The log line of a failed attempt is written before the
    // job moves on, so a log read after the state holds every attempt the state counts.
    const state = await fetched.getState();
    const settled = state === "completed" || state === "failed";
    const [job, logs] = await Promise.all([
      settled && !fetchedSettled
        ? Job.fromId<DeliveryJobData>(queue, id).then((fresh) => fresh ?? fetched)
        : fetched,
      queue.getJobLogs(id, 0, -1, true),
    ]);
    const attemptLog: StoredAttempt[] = logs.logs.map((line) => JSON.parse(line) as StoredAttempt);
    const last = job.returnvalue as StoredAttempt | null | undefined;
    if (state === "completed" && last) attemptLog.push(last);
    const status: DeliveryStatus =
      state === "completed" ? "delivered" : state === "failed" ? "dead" : "pending";
    const lastRecord = attemptLog.at(-1);
    return {
      id: job.id as string,
      endpointId: endpoint.id,
      event: job.name,
      body: Buffer.from(job.data.body, "utf8"),
      ...(job.data.contentType === undefined ? {} : { contentType: job.data.contentType }),
      ...(job.data.headers === undefined ? {} : { headers: job.data.headers }),
      status,
      attempts: Math.max(job.attemptsStarted, attemptLog.length),
      createdAt: job.data.createdAt,
      ...(state === "delayed" ? { nextAttemptAt: job.timestamp + job.delay } : {}),
      ...(job.finishedOn === undefined || status === "pending"
        ? {}
        : { settledAt: job.finishedOn }),
      ...(status === "dead" ? { deadReason: lastRecord?.deadReason ?? "exhausted" } : {}),
      ...(status === "dead" && job.failedReason ? { failedReason: job.failedReason } : {}),
      attemptLog,
    };
  }
}
