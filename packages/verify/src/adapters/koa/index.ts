/**
 * Koa middleware: `@attesta/verify/koa`.
 *
 * @module
 */
import type { WebhookPayload } from "@attesta/events";
import type { Middleware, ParameterizedContext } from "koa";
import { assertSignaturePresent } from "../../assert-signature-present";
import { bodyAlreadyParsed } from "../../body-already-parsed";
import { SIGNATURE_HEADER } from "../../constants";
import { readRawBody } from "../../node/read-raw-body";
import { savedRawBody } from "../../node/saved-raw-body";
import { verifySignature } from "../../node/verify-signature";
import { parseDelivery } from "../../parse-delivery";
import { payloadTooLarge } from "../../payload-too-large";
import { type BaseVerifyOptions, resolveOptions } from "../../resolve-options";
import { AttestaVerificationError } from "../../verification-error";

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

/**
 * Koa middleware that verifies an Attesta delivery and sets
 * `ctx.state.attesta` to the typed payload. It reads `ctx.req` itself,
 * enforcing `maxBodyBytes` while reading, or uses `ctx.request.rawBody` when
 * a body parser kept it. Rejections never reach later middleware: 401 for a
 * missing or invalid signature, 413 for an oversized body, 400 for a body
 * that is not a JSON payload, 500 if a parser consumed the bytes without
 * keeping them (logged once with the fix).
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
  const { secret, maxBodyBytes, onError = defaultOnError } = resolveOptions(options);
  let warned = false;

  return async (ctx, next) => {
    try {
      const signature = ctx.get(SIGNATURE_HEADER);
      const earlier = bytesFromEarlierParser(ctx);
      if (earlier === undefined) throw bodyAlreadyParsed(FIX);
      assertSignaturePresent(signature);
      const raw =
        earlier ??
        (await new Promise<Uint8Array>((resolve, reject) =>
          readRawBody(ctx.req, maxBodyBytes, (error, body) =>
            error ? reject(error) : resolve(body),
          ),
        ));
      if (raw.byteLength > maxBodyBytes) throw payloadTooLarge(maxBodyBytes);
      ctx.state.attesta = parseDelivery(raw, signature, secret, verifySignature);
    } catch (error) {
      if (!(error instanceof AttestaVerificationError)) throw error;
      if (error.code === "body_already_parsed" && !warned) {
        warned = true;
        console.error(error.message);
      }
      if (error.code === "payload_too_large") ctx.set("Connection", "close");
      await onError(error, ctx);
      return;
    }
    await next();
  };
}

export type { WebhookPayload } from "@attesta/events";
export { DEFAULT_MAX_BODY_BYTES } from "../../resolve-options";
export type { VerificationErrorCode } from "../../verification-error";
export { AttestaVerificationError } from "../../verification-error";
