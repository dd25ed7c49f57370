/**
 * Keyset pages over BullMQ's queues: first the pending jobs (queue by queue,
 * state by state, newest enqueued first, by offset: they move on as workers
 * take them), then the settled ones newest first by the time they finished
 * (`walkSettled`), through every job Redis holds. Filters on event and
 * creation time are applied to each job read, within a bound per page.
 *
 * @module
 */
import type { Job, JobType, Queue } from "bullmq";
import type { Redis } from "ioredis";
import { matches } from "../admin/admin-query";
import type { AdminDeliveryQuery } from "../admin/delivery-page";
import { invalidOption } from "../options/invalid-option";
import type { DeliveryRecord, DeliveryStatus } from "../store/delivery-store";
import type { DeliveryJobData } from "./job-data";
import { type SettledPosition, type SettledSet, walkSettled } from "./settled-walk";

export const PENDING_STATES: readonly JobType[] = [
  "active",
  "waiting",
  "prioritized",
  "delayed",
  "waiting-children",
];
/** Jobs read, matching or not, before a page is handed out short (with a cursor to go on). */
export const SCAN_BUDGET = 5000;

/** The queues a page reads, with what reading needs. */
export interface PagedQueues {
  readonly redis: Redis;
  readonly endpoints: readonly { readonly id: string; readonly queue: Queue }[];
}

type Cursor =
  | { readonly phase: "pending"; readonly stream: number; readonly offset: number }
  | { readonly phase: "settled"; readonly after: SettledPosition | undefined };

/** A light record (no body, no attempt log) of a job in a known state. */
export function lightRecord(
  endpointId: string,
  job: Job<DeliveryJobData>,
  status: DeliveryStatus,
): DeliveryRecord {
  return {
    id: job.id as string,
    endpointId,
    event: job.name,
    body: new Uint8Array(0),
    status,
    attempts: job.attemptsStarted,
    createdAt: job.data.createdAt,
    ...(status !== "pending" && job.finishedOn !== undefined ? { settledAt: job.finishedOn } : {}),
    attemptLog: [],
  };
}

/** The completed and failed sets of the queues, as the statuses ask. */
export function settledSets(queues: PagedQueues, status?: DeliveryStatus): SettledSet[] {
  const sets: SettledSet[] = [];
  for (const { id, queue } of queues.endpoints) {
    if (status === undefined || status === "delivered")
      sets.push({ endpointId: id, status: "delivered", key: queue.toKey("completed") });
    if (status === undefined || status === "dead")
      sets.push({ endpointId: id, status: "dead", key: queue.toKey("failed") });
  }
  return sets;
}

/** One page of light records, in the order above, and where the next starts. */
export async function pageJobs(
  queues: PagedQueues,
  query: AdminDeliveryQuery,
  limit: number,
): Promise<{ items: DeliveryRecord[]; nextCursor?: string }> {
  const items: DeliveryRecord[] = [];
  let cursor = query.cursor === undefined ? undefined : decodeJobCursor(query.cursor);
  let budget = SCAN_BUDGET;
  if (query.status !== "delivered" && query.status !== "dead" && cursor?.phase !== "settled") {
    const streams = queues.endpoints.flatMap(({ id, queue }) =>
      PENDING_STATES.map((state) => ({ id, queue, state })),
    );
    let stream = cursor?.stream ?? 0;
    let offset = cursor?.offset ?? 0;
    while (stream < streams.length && items.length < limit && budget > 0) {
      const { id, queue, state } = streams[stream] as (typeof streams)[number];
      const want = Math.min(limit - items.length, budget);
      const jobs = (await queue.getJobs(
        [state],
        offset,
        offset + want - 1,
        false,
      )) as Job<DeliveryJobData>[];
      for (const job of jobs) {
        const record = job && lightRecord(id, job, "pending");
        if (record && matches(record, query)) items.push(record);
      }
      budget -= want;
      offset += jobs.length;
      if (jobs.length < want) [stream, offset] = [stream + 1, 0];
    }
    if (stream < streams.length)
      return { items, nextCursor: encode({ phase: "pending", stream, offset }) };
    cursor = undefined;
  }
  if (query.status === "pending") return { items };
  if (items.length >= limit || budget <= 0)
    return { items, nextCursor: encode({ phase: "settled", after: undefined }) };
  const byKey = new Map(queues.endpoints.map((e) => [e.id, e.queue]));
  const last = await walkSettled(
    queues.redis,
    settledSets(queues, query.status),
    cursor?.phase === "settled" ? cursor.after : undefined,
    async (found) => {
      const job = (await byKey.get(found.set.endpointId)?.getJob(found.id)) as
        | Job<DeliveryJobData>
        | undefined;
      const record = job && lightRecord(found.set.endpointId, job, found.set.status);
      if (record && matches(record, query)) items.push(record);
      return items.length < limit;
    },
    { budget, ...(query.since === undefined ? {} : { since: query.since }) },
  );
  return last === undefined
    ? { items }
    : { items, nextCursor: encode({ phase: "settled", after: last }) };
}

function encode(cursor: Cursor): string {
  const parts =
    cursor.phase === "pending"
      ? ["p", cursor.stream, cursor.offset]
      : ["s", cursor.after?.finishedAt, cursor.after?.id];
  return Buffer.from(JSON.stringify(parts)).toString("base64url");
}

function decodeJobCursor(cursor: string): Cursor {
  try {
    const [phase, a, b] = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (phase === "p" && Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= 0)
      return { phase: "pending", stream: a, offset: b };
    if (phase === "s" && Number.isFinite(a) && typeof b === "string")
      return { phase: "settled", after: { finishedAt: a, id: b } };
    if (phase === "s" && a === null && b === null) return { phase: "settled", after: undefined };
  } catch {}
  throw invalidOption(
    "deliveries({ cursor })",
    "a nextCursor of these queues",
    cursor,
    "start again without a cursor",
  );
}
