/**
 * The Redis connection options shared by producers, workers and the admin
 * view, and the one place that opens ioredis clients.
 *
 * @module
 */
import { Redis, type RedisOptions } from "ioredis";
import { invalidOption } from "../options/invalid-option";

/** Where Redis is and under which key prefix the queues live. */
export interface RedisQueueOptions {
  /** A `redis://` URL or ioredis options. Redis ≥ 6.2 with `maxmemory-policy noeviction`. */
  connection: string | RedisOptions;
  /** Key prefix of every queue; the same in producers and workers. Default `"attesta"`. */
  prefix?: string;
}

export const DEFAULT_PREFIX = "attesta";

/** Validates `prefix`: BullMQ separates key parts with `:`, so it cannot contain one; braces make a Redis Cluster hash tag. */
export function resolvePrefix(prefix: unknown): string {
  if (prefix === undefined) return DEFAULT_PREFIX;
  if (typeof prefix !== "string" || !/^[A-Za-z0-9_.{}-]{1,64}$/.test(prefix)) {
    throw invalidOption(
      "options.prefix",
      "1 to 64 letters, digits, _, ., -, { or }",
      prefix,
      'use e.g. "attesta" (the default), the same in producers and workers',
    );
  }
  return prefix;
}

/**
 * Opens an ioredis client. `overrides` set what BullMQ needs of the client's
 * role (e.g. `maxRetriesPerRequest: null` for workers).
 */
export function openRedis(connection: unknown, overrides: RedisOptions): Redis {
  if (typeof connection === "string") return new Redis(connection, overrides);
  if (typeof connection === "object" && connection !== null && !Array.isArray(connection)) {
    return new Redis({ ...(connection as RedisOptions), ...overrides });
  }
  throw invalidOption(
    "options.connection",
    "a redis:// URL or ioredis options",
    connection,
    'pass e.g. "redis://127.0.0.1:6379" or { host, port }',
  );
}
