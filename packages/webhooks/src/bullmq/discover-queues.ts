/**
 * Finds the endpoint queues a cluster holds in Redis, for an operator who has
 * Redis's address but not the workers' endpoint configs (`attesta console
 * --redis`): every queue BullMQ made keeps a `meta` hash.
 *
 * @module
 */
import { boundedReady, resolveStartBounds } from "./bounded-start";
import { openRedis, type RedisQueueOptions, redisTarget } from "./connection";

const QUEUE_PREFIX = "webhook.";

/**
 * Endpoint ids of the queues under `prefix`, sorted. A `~` in a queue name is
 * shown as the `:` it stands for (`queueNameFor`).
 */
export async function discoverQueueIds(
  options: RedisQueueOptions & { connectTimeoutMs?: number },
  prefix: string,
): Promise<string[]> {
  const bounds = resolveStartBounds(options.connectTimeoutMs, undefined);
  const redis = openRedis(options.connection, { maxRetriesPerRequest: 1 });
  let lastError: unknown;
  redis.on("error", (error) => {
    lastError = error;
  });
  try {
    await boundedReady(
      new Promise<void>((resolve) => redis.once("ready", () => resolve())),
      bounds,
      redisTarget(options.connection),
      () => lastError,
    );
    const names = new Set<string>();
    // SCAN walks the keyspace in bounded steps; MATCH keeps the replies small.
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(
        cursor,
        "MATCH",
        `${prefix}:${QUEUE_PREFIX}*:meta`,
        "COUNT",
        1000,
      );
      cursor = next;
      for (const key of keys) names.add(key.slice(prefix.length + 1, -":meta".length));
    } while (cursor !== "0");
    return [...names].map((name) => name.slice(QUEUE_PREFIX.length).replaceAll("~", ":")).sort();
  } finally {
    await redis.quit().catch(() => redis.disconnect());
  }
}
