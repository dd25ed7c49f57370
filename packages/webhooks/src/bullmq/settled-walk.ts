/**
 * Settled deliveries of BullMQ's queues, newest first: the completed and
 * failed sorted sets (scored by the time a job finished) of every endpoint
 * queue, merged and walked by keyset (finish time, then job id), so a page
 * can reach any job the sets hold, not only the newest of each.
 *
 * @module
 */
import type { Redis } from "ioredis";
import type { AdminMinute } from "../admin/delivery-page";
import { emptyMinutes } from "../admin/record-health";

/** One sorted set: an endpoint queue's completed or failed jobs. */
export interface SettledSet {
  readonly endpointId: string;
  readonly status: "delivered" | "dead";
  /** The Redis key of the sorted set. */
  readonly key: string;
}

/** A job in a set, with the score that orders it (epoch ms it finished). */
export interface SettledJob {
  readonly set: SettledSet;
  readonly id: string;
  readonly finishedAt: number;
}

/** Where a walk stands: after the job (finishedAt, id) in newest-first order. */
export interface SettledPosition {
  readonly finishedAt: number;
  readonly id: string;
}

/** Newest first: later finish first, then the larger id (as a sorted set orders ties, reversed). */
export function newerFirst(a: SettledPosition, b: SettledPosition): number {
  return b.finishedAt - a.finishedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/**
 * Up to `count` jobs of `set` after `after`, newest first, finished at or
 * after `since` (jobs finished earlier cannot match a filter on creation
 * time from `since`). Ties on the score are read apart, so none is skipped.
 */
export async function settledAfter(
  redis: Redis,
  set: SettledSet,
  after: SettledPosition | undefined,
  count: number,
  since = Number.NEGATIVE_INFINITY,
): Promise<SettledJob[]> {
  const min = Number.isFinite(since) ? String(since) : "-inf";
  const jobs: SettledJob[] = [];
  if (after !== undefined) {
    const ties = await redis.zrangebyscore(set.key, after.finishedAt, after.finishedAt);
    for (const id of ties
      .filter((tie) => tie < after.id)
      .sort()
      .reverse()
      .slice(0, count))
      jobs.push({ set, id, finishedAt: after.finishedAt });
  }
  if (jobs.length >= count) return jobs;
  const max = after === undefined ? "+inf" : `(${after.finishedAt}`;
  const rest = await redis.zrevrangebyscore(
    set.key,
    max,
    min,
    "WITHSCORES",
    "LIMIT",
    0,
    count - jobs.length,
  );
  for (let i = 0; i + 1 < rest.length; i += 2)
    jobs.push({ set, id: rest[i] as string, finishedAt: Number(rest[i + 1]) });
  return jobs;
}

/**
 * Walks every set from `after`, newest first, handing each job to `visit`
 * until it returns false or `budget` jobs were seen. Returns the position of
 * the last job visited, or undefined when every set ran out.
 */
export async function walkSettled(
  redis: Redis,
  sets: readonly SettledSet[],
  after: SettledPosition | undefined,
  visit: (job: SettledJob) => Promise<boolean>,
  options: { budget: number; since?: number; batch?: number },
): Promise<SettledPosition | undefined> {
  const batch = options.batch ?? 100;
  let position = after;
  let seen = 0;
  for (;;) {
    const fetched = await Promise.all(
      sets.map((set) => settledAfter(redis, set, position, batch, options.since)),
    );
    // A set that filled its batch may hold more: the merge may not pass its last job.
    const horizon = fetched
      .filter((jobs) => jobs.length === batch)
      .map((jobs) => jobs.at(-1) as SettledJob)
      .sort(newerFirst)[0];
    const merged = fetched.flat().sort(newerFirst);
    if (merged.length === 0) return undefined;
    for (const job of merged) {
      if (horizon !== undefined && newerFirst(job, horizon) > 0) break;
      position = job;
      seen++;
      if (!(await visit(job)) || seen >= options.budget) return position;
    }
    if (horizon === undefined) return undefined;
  }
}

/** Delivered and dead per minute in [since, until), read from the sets' scores alone. */
export async function settledMinutes(
  redis: Redis,
  sets: readonly SettledSet[],
  range: { since: number; until: number },
): Promise<AdminMinute[]> {
  const minutes = emptyMinutes(range).map((minute) => ({ ...minute }));
  const first = minutes[0]?.minute ?? 0;
  for (const set of sets) {
    const found = await redis.zrangebyscore(set.key, range.since, `(${range.until}`, "WITHSCORES");
    for (let i = 1; i < found.length; i += 2) {
      const bucket = minutes[Math.floor((Number(found[i]) - first) / 60_000)];
      if (bucket === undefined) continue;
      if (set.status === "delivered") bucket.delivered++;
      else bucket.failed++;
    }
  }
  return minutes;
}
