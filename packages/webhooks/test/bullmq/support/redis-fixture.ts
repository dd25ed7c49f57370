/**
 * The shared Redis as one test file uses it: a fresh key prefix per case, and
 * every prefix the file used deleted after it (the server is never flushed).
 *
 * @module
 */
import { afterAll } from "vitest";
import { deletePrefix, sharedRedis, uniquePrefix } from "./redis";

export interface RedisFixture {
  readonly url: string;
  /** A key prefix no other run uses, deleted after the file's last test. */
  freshPrefix(): string;
}

/** Call at the top level of a test file. */
export async function useSharedRedis(): Promise<RedisFixture> {
  const redis = await sharedRedis();
  const prefixes: string[] = [];
  afterAll(async () => {
    for (const prefix of prefixes) await deletePrefix(redis.url, prefix);
    await redis.close();
  });
  return {
    url: redis.url,
    freshPrefix: () => {
      const prefix = uniquePrefix();
      prefixes.push(prefix);
      return prefix;
    },
  };
}
