/**
 * One HTTP attempt behind one narrow signature, so the BullMQ worker shares
 * the local dispatcher's HTTP code path (`AttemptHandler` on an undici pool)
 * instead of carrying a client of its own.
 *
 * @module
 */
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, sign } from "@attesta/verify";
import { Pool } from "undici";
import { AttemptHandler, type AttemptOutcome } from "../attempt-handler";
import { DeadlineList } from "../deadline-list";
import type { ResolvedConfig } from "../resolve-configs";
import { VERSION } from "../version";

/** One attempt of one delivery, as the worker hands it to the transport. */
export interface AttemptRequest {
  /** `X-Attesta-Delivery`: minted once by the producer, the BullMQ job id. */
  readonly deliveryId: string;
  /** Bus event type (`"approved"`), sent as `X-Attesta-Event`. */
  readonly eventType: string;
  /** The exact body bytes, signed as they are. */
  readonly body: Uint8Array;
  /** 1 for the first attempt; only used in error messages. */
  readonly attempt: number;
  /** Aborting it gives up on the request (worker shutdown at its deadline). */
  readonly signal?: AbortSignal;
}

/** How the attempt ended, with its timing. */
export interface SentAttempt extends AttemptOutcome {
  /** Epoch ms when the request started. */
  readonly startedAt: number;
  readonly durationMs: number;
}

/** One attempt in, one outcome out; never throws, never retries. */
export type SendAttempt = (request: AttemptRequest) => Promise<SentAttempt>;

/** A transport bound to one endpoint, with its keep-alive pool. */
export interface AttemptSender {
  readonly send: SendAttempt;
  /** Closes the connections; `abort` destroys them instead of waiting. */
  close(abort?: boolean): Promise<void>;
}

const USER_AGENT = `attesta-webhooks/${VERSION}`;

/**
 * Builds the transport of one endpoint: headers and signature as the local
 * dispatcher sends them, one pool of `config.concurrency` connections.
 *
 * @example
 * ```ts
 * const sender = createAttemptSender(config, 65_536);
 * const outcome = await sender.send({ deliveryId, eventType: "approved", body, attempt: 1 });
 * ```
 */
export function createAttemptSender(
  config: ResolvedConfig,
  maxResponseBytes: number,
): AttemptSender {
  const deadlines = new DeadlineList();
  let pool: Pool | undefined;

  const send: SendAttempt = (request) => {
    const startedAt = Date.now();
    const started = performance.now();
    const body = Buffer.from(request.body.buffer, request.body.byteOffset, request.body.byteLength);
    const headers = [
      "content-type",
      "application/json",
      "user-agent",
      USER_AGENT,
      DELIVERY_HEADER,
      request.deliveryId,
      EVENT_HEADER,
      request.eventType,
    ];
    if (config.secret !== undefined) headers.push(SIGNATURE_HEADER, sign(body, config.secret));
    return new Promise((resolve) => {
      const { signal } = request;
      const onAbort = () => handler.abandon();
      const handler = new AttemptHandler(
        { endpoint: config.label, deliveryId: request.deliveryId, attempt: request.attempt },
        started,
        config.timeoutMs,
        maxResponseBytes,
        deadlines,
        (outcome) => {
          signal?.removeEventListener("abort", onAbort);
          resolve({ ...outcome, startedAt, durationMs: performance.now() - started });
        },
      );
      if (signal?.aborted) {
        handler.abandon();
        return;
      }
      signal?.addEventListener("abort", onAbort, { once: true });
      try {
        pool ??= new Pool(config.origin, {
          connections: config.concurrency,
          pipelining: 1,
          connect: { timeout: config.timeoutMs },
        });
        pool.dispatch({ path: config.path, method: "POST", headers, body }, handler);
      } catch (error) {
        handler.fail(error);
      }
    });
  };

  return {
    send,
    async close(abort = false) {
      const current = pool;
      pool = undefined;
      if (current === undefined) return;
      if (abort) await current.destroy().catch(() => undefined);
      else await current.close().catch(() => current.destroy());
    },
  };
}
