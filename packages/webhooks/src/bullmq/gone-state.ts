/**
 * Why an endpoint queue was paused by a worker: its receiver said it is gone
 * for good (410 Gone, a chat service's gone code). Kept in Redis next to the
 * queue's own keys, so that every process's admin reports the reason, and
 * cleared when the queue is resumed or paused by hand.
 *
 * @module
 */
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";

/** The reason a worker recorded for pausing a queue. */
export interface GoneState {
  /** Epoch ms when the endpoint was disabled. */
  readonly since: number;
  /** The chat service's code (`"channel_not_found"`, `"10015"`); absent for a plain 410. */
  readonly receiverCode?: string;
}

/** The hash of one queue's gone state (`<prefix>:<queue>:attesta-gone`). */
function goneKey(queue: Queue): string {
  return queue.toKey("attesta-gone");
}

/** Records the state, then pauses the queue for every worker of the cluster. */
export async function pauseAsGone(redis: Redis, queue: Queue, state: GoneState): Promise<void> {
  const fields: Record<string, string> = { since: String(state.since) };
  if (state.receiverCode !== undefined) fields.receiverCode = state.receiverCode;
  await redis.multi().del(goneKey(queue)).hset(goneKey(queue), fields).exec();
  await queue.pause();
}

/** The recorded state of a queue, if a worker paused it as gone. */
export async function readGoneState(redis: Redis, queue: Queue): Promise<GoneState | undefined> {
  const fields = await redis.hgetall(goneKey(queue));
  if (fields.since === undefined) return undefined;
  return {
    since: Number(fields.since),
    ...(fields.receiverCode === undefined ? {} : { receiverCode: fields.receiverCode }),
  };
}

/** Forgets the state: the queue is resumed, or paused by an operator for another reason. */
export async function clearGoneState(redis: Redis, queue: Queue): Promise<void> {
  await redis.del(goneKey(queue));
}
