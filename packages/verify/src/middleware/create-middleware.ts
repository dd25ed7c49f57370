/**
 * The one middleware skeleton. Each framework feeds it a few functions: read
 * a header, read the raw body within a limit, respond, and run the handler.
 *
 * @module
 */
import type { WebhookPayload } from "@attesta/events";
import type { Engine } from "../engine/engine";
import { AttestaVerificationError } from "../protocol/verification-error";
import type { ResolvedOptions } from "./resolve-options";
import { verifyDelivery } from "./verify-delivery";

/** What a framework adapter provides, for its request type `Ctx`. */
export interface FrameworkBinding<Ctx> {
  header(ctx: Ctx, name: string): string | undefined;
  /** The raw body within `limit` bytes; throws `AttestaVerificationError` (413, 400, 500). */
  body(ctx: Ctx, limit: number): Promise<Uint8Array>;
  /** Answers a refused delivery (through the user's `onError`). */
  reject(ctx: Ctx, error: AttestaVerificationError): unknown;
  /** Answers 2xx for a delivery the handler already accepted, without running it. */
  duplicate(ctx: Ctx): unknown;
  /** Runs the handler with the payload; resolves whether it answered 2xx. */
  proceed(ctx: Ctx, payload: WebhookPayload): Promise<boolean>;
}

/**
 * Builds the per-request function of a middleware. It resolves once the
 * request is answered (and, after a 2xx, recorded in the replay store); it
 * rejects only with errors that are not verification failures (the
 * framework's own error handling takes those).
 *
 * @example
 * ```ts
 * const handle = createMiddleware(resolveOptions(options), nodeEngine, expressBinding);
 * ```
 */
export function createMiddleware<Ctx>(
  options: ResolvedOptions<unknown>,
  engine: Engine,
  binding: FrameworkBinding<Ctx>,
): (ctx: Ctx) => Promise<void> {
  const { replay, replayTtlSec } = options;
  let warned = false;
  // Replay keys of deliveries this middleware is handling right now.
  const inFlight = new Map<string, Promise<void>>();
  const pendingFor = (keys: readonly string[]): Promise<void> | undefined => {
    for (const key of keys) {
      const pending = inFlight.get(key);
      if (pending !== undefined) return pending;
    }
    return undefined;
  };

  return async (ctx) => {
    let replayKeys: string[];
    let payload: WebhookPayload;
    try {
      ({ payload, replayKeys } = await verifyDelivery(engine, options, {
        header: (name) => binding.header(ctx, name),
        body: (limit) => binding.body(ctx, limit),
      }));
    } catch (error) {
      if (!(error instanceof AttestaVerificationError)) throw error;
      if (error.code === "body_already_parsed" && !warned) {
        warned = true;
        console.error(error.message);
      }
      await binding.reject(ctx, error);
      return;
    }
    if (replay === undefined) {
      await binding.proceed(ctx, payload);
      return;
    }
    // A copy arriving while this process still handles the original waits for
    // its outcome instead of running the handler a second time.
    for (let pending = pendingFor(replayKeys); pending; pending = pendingFor(replayKeys)) {
      await pending;
    }
    let release = (): void => undefined;
    const settled = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const key of replayKeys) inFlight.set(key, settled);
    try {
      const seen = await Promise.all(replayKeys.map((key) => replay.has(key)));
      if (seen.includes(true)) {
        await binding.duplicate(ctx);
        return;
      }
      // A handler that failed records nothing, so the sender's retry gets through.
      if (!(await binding.proceed(ctx, payload))) return;
      await Promise.all(replayKeys.map((key) => replay.add(key, replayTtlSec)));
    } finally {
      for (const key of replayKeys) if (inFlight.get(key) === settled) inFlight.delete(key);
      release();
    }
  };
}
