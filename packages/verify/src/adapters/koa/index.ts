/**
 * Koa middleware: `@attesta/verify/koa`.
 *
 * @module
 */
import type { WebhookPayload } from "@attesta/events";
import type { Middleware, Next, ParameterizedContext } from "koa";
import { createMiddleware } from "../../middleware/create-middleware";
import { type BaseVerifyOptions, resolveOptions } from "../../middleware/resolve-options";
import { hasUnreadBody } from "../../node/close-unread-body";
import { nodeEngine } from "../../node/node-primitives";
import { readRawBody } from "../../node/read-raw-body";
import { savedRawBody } from "../../node/saved-raw-body";
import { bodyAlreadyParsed } from "../../protocol/body-already-parsed";
import { payloadTooLarge } from "../../protocol/payload-too-large";
import type { AttestaVerificationError } from "../../protocol/verification-error";

/** State the middleware adds: `ctx.state.attesta`. */
export interface AttestaState {
  /** The verified, parsed Attesta payload. */
  attesta: WebhookPayload;
}

/** Options of the Koa middleware. */
export interface KoaVerifyOptions extends BaseVerifyOptions {
  /**
   * Writes the response for a rejected delivery. Default: `ctx.status =
   * error.status` and `ctx.body = { error: error.message }`. Throw the error
   * to hand it to Koa's error handling instead.
   */
  onError?: (error: AttestaVerificationError, ctx: ParameterizedContext) => void | Promise<void>;
}

interface KoaContext {
  ctx: ParameterizedContext<AttestaState>;
  next: Next;
}

const FIX =
  "mount verifyAttesta() before the body parser (app.use(verifyAttesta({ secret })) first, or on the webhook route " +
  "only), or use a body parser that keeps the raw text in ctx.request.rawBody (@koa/bodyparser and koa-bodyparser do).";

function defaultOnError(error: AttestaVerificationError, ctx: ParameterizedContext): void {
  ctx.status = error.status;
  ctx.body = { error: error.message };
}

/** Raw bytes kept by an earlier parser, `null` when the stream is untouched, or `undefined` when they are lost. */
function bytesFromEarlierParser(ctx: ParameterizedContext): Uint8Array | null | undefined {
  const saved = savedRawBody((ctx.request as { rawBody?: unknown }).rawBody);
  if (saved !== undefined) return saved;
  // Judge by the stream, not by request.body: koa-bodyparser sets body = {} on requests whose type it skipped.
  if (ctx.req.readableDidRead || ctx.req.readableEnded) return undefined;
  return null;
}

async function readBody({ ctx }: KoaContext, limit: number): Promise<Uint8Array> {
  const earlier = bytesFromEarlierParser(ctx);
  if (earlier === undefined) throw bodyAlreadyParsed(FIX);
  if (earlier !== null) {
    if (earlier.byteLength > limit) throw payloadTooLarge(limit);
    return earlier;
  }
  return new Promise((resolve, reject) =>
    readRawBody(ctx.req, limit, (error, body) => (error ? reject(error) : resolve(body))),
  );
}

/**
 * Koa middleware that verifies an Attesta delivery and sets
 * `ctx.state.attesta` to the typed payload. It reads `ctx.req` itself,
 * enforcing `maxBodyBytes` while reading, or uses `ctx.request.rawBody` when
 * a body parser kept it. Rejections never reach later middleware: 401 for a
 * missing, invalid or expired signature, 413 for an oversized body, 400 for
 * a body that is not a JSON payload, 500 if a parser consumed the bytes
 * without keeping them (logged once with the fix). A delivery later
 * middleware already answered 2xx is answered 200 `{"duplicate":true}`.
 *
 * @example
 * ```ts
 * import Koa from "koa";
 * import { verifyAttesta } from "@attesta/verify/koa";
 *
 * const app = new Koa()
 *   .use(verifyAttesta({ secret: process.env.ATTESTA_WEBHOOK_SECRET! }))
 *   .use((ctx) => {
 *     console.log(ctx.state.attesta.event);
 *     ctx.status = 204;
 *   });
 * ```
 */
export function verifyAttesta(options: KoaVerifyOptions): Middleware<AttestaState> {
  const resolved = resolveOptions(options);
  const onError = resolved.onError ?? defaultOnError;
  const handle = createMiddleware<KoaContext>(resolved, nodeEngine, {
    header: ({ ctx }, name) => ctx.get(name) || undefined,
    body: readBody,
    reject: ({ ctx }, error) => {
      if (error.code === "payload_too_large" || hasUnreadBody(ctx.req)) {
        ctx.set("Connection", "close");
      }
      return onError(error, ctx);
    },
    duplicate: ({ ctx }) => {
      ctx.status = 200;
      ctx.body = { duplicate: true };
    },
    proceed: async ({ ctx, next }, payload) => {
      ctx.state.attesta = payload;
      await next();
      return ctx.status >= 200 && ctx.status < 300;
    },
  });
  return (ctx, next) => handle({ ctx, next });
}

export type { WebhookPayload } from "@attesta/events";
export { DEFAULT_MAX_AGE_SEC, DEFAULT_MAX_BODY_BYTES } from "../../middleware/resolve-options";
export type { ReceiverScheme } from "../../protocol/types";
export type { VerificationErrorCode } from "../../protocol/verification-error";
export { AttestaVerificationError } from "../../protocol/verification-error";
export { MemoryReplayStore } from "../../replay/memory-replay-store";
export type { ReplayStore } from "../../replay/replay-store";
