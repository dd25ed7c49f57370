/**
 * The error of a BullMQ worker start that could not reach Redis in time, or
 * was aborted by its caller before Redis answered.
 *
 * @module
 */

/** Why the start gave up: the connect timeout passed, or the caller's signal aborted. */
export type RedisConnectErrorCode = "timeout" | "aborted";

/**
 * `startWebhookWorkers` gave up waiting for Redis. The message names the
 * Redis URL (password replaced by `***`) and says how to fix it; every
 * connection the start opened is closed by then. `cause` holds the last
 * Redis error, or the signal's reason.
 *
 * @example
 * ```ts
 * import { RedisConnectError, startWebhookWorkers } from "@attesta/webhooks/bullmq";
 *
 * try {
 *   await startWebhookWorkers(endpoints, { connection: process.env.REDIS_URL, connectTimeoutMs: 5000 });
 * } catch (error) {
 *   if (error instanceof RedisConnectError) console.error(error.message);
 * }
 * ```
 */
export class RedisConnectError extends Error {
  override name = "RedisConnectError";
  readonly code: RedisConnectErrorCode;
  /** The Redis URL, credentials redacted. */
  readonly url: string;

  constructor(code: RedisConnectErrorCode, url: string, timeoutMs: number, cause?: unknown) {
    const what =
      code === "timeout"
        ? `could not connect to Redis at ${url} within ${timeoutMs} ms`
        : `the start of the workers was aborted before Redis at ${url} answered`;
    super(
      `@attesta/webhooks/bullmq: ${what}. Fix: check that Redis runs and is reachable at that address (host, port, password, TLS), or raise connectTimeoutMs; every connection this start opened is closed.`,
      cause === undefined ? undefined : { cause },
    );
    this.code = code;
    this.url = url;
  }
}
