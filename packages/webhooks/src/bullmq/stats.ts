/**
 * Cluster-wide counters of one endpoint queue, read from Redis.
 *
 * @module
 */
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";

/** Counters of one endpoint over every producer and worker of the cluster. */
export interface DistributedEndpointStats {
  readonly id: string;
  readonly url: string;
  /** Deliveries waiting for a worker. */
  readonly waiting: number;
  /** Deliveries with an attempt in flight now. */
  readonly active: number;
  /** Deliveries waiting for their next retry. */
  readonly retrying: number;
  /** Dead letters held in Redis now (bounded by the producer's `keepDead`). */
  readonly dead: number;
  /** Deliveries delivered since the queue was created (BullMQ metrics). */
  readonly delivered: number;
  /** Deliveries dead-lettered since the queue was created, redelivered ones included. */
  readonly deadTotal: number;
  /** Attempts that failed, over every worker. */
  readonly failedAttempts: number;
}

/** Totals over all endpoints plus each endpoint's counters. */
export interface DistributedStats extends Omit<DistributedEndpointStats, "id" | "url"> {
  readonly endpoints: readonly DistributedEndpointStats[];
}

/** The hash of counters our workers keep next to BullMQ's keys of a queue. */
export function statsKeyFor(prefix: string, queueName: string): string {
  return `${prefix}:${queueName}:attesta-stats`;
}

/** Reads one endpoint's counters: a handful of reads, none of them a scan. */
export async function readEndpointStats(
  queue: Queue,
  redis: Redis,
  endpoint: { id: string; url: string },
  statsKey: string,
): Promise<DistributedEndpointStats> {
  const [counts, completed, failed, failedAttempts] = await Promise.all([
    queue.getJobCounts("waiting", "prioritized", "active", "delayed", "failed"),
    queue.getMetrics("completed", 0, 0),
    queue.getMetrics("failed", 0, 0),
    redis.hget(statsKey, "failedAttempts"),
  ]);
  return {
    id: endpoint.id,
    url: endpoint.url,
    waiting: (counts.waiting ?? 0) + (counts.prioritized ?? 0),
    active: counts.active ?? 0,
    retrying: counts.delayed ?? 0,
    dead: counts.failed ?? 0,
    delivered: completed.meta.count,
    deadTotal: failed.meta.count,
    failedAttempts: Number(failedAttempts ?? 0),
  };
}

/** Sums endpoint counters. */
export function totalStats(endpoints: readonly DistributedEndpointStats[]): DistributedStats {
  const sum = (key: Exclude<keyof DistributedEndpointStats, "id" | "url">) =>
    endpoints.reduce((total, entry) => total + entry[key], 0);
  return {
    waiting: sum("waiting"),
    active: sum("active"),
    retrying: sum("retrying"),
    dead: sum("dead"),
    delivered: sum("delivered"),
    deadTotal: sum("deadTotal"),
    failedAttempts: sum("failedAttempts"),
    endpoints,
  };
}
