/**
 * The Hono middleware, parameterised by the verification function so the
 * `node` build uses node:crypto and the portable build uses plain JS.
 *
 * @module
 */
import type { WebhookPayload } from "@attesta/events";
import type { Context, MiddlewareHandler } from "hono";
import { assertSignaturePresent } from "../../assert-signature-present";
import { SIGNATURE_HEADER } from "../../constants";
import { parseDelivery, type VerifyFn } from "../../parse-delivery";
import { type BaseVerifyOptions, resolveOptions } from "../../resolve-options";
import { AttestaVerificationError } from "../../verification-error";
import { readHonoBody } from "./read-hono-body";

/**
 * Hono environment the middleware provides: `c.get("attesta")` is the typed
 * payload. Use it as (or merge it into) your app's `Env`.
 *
 * @example
 * ```ts
 * import { Hono } from "hono";
 * import type { AttestaEnv } from "@attesta/verify/hono";
 *
 * const app = new Hono<AttestaEnv>();
 * ```
 */
export type AttestaEnv = {
  Variables: {
    /** The verified, parsed Attesta payload. */
    attesta: WebhookPayload;
  };
};

/** Options of the Hono middleware. */
export interface HonoVerifyOptions extends BaseVerifyOptions {
  /**
   * Builds the response for a rejected delivery. Default:
   * `c.json({ error: error.message }, error.status)`.
   */
  onError?: (error: AttestaVerificationError, c: Context) => Response | Promise<Response>;
}

function defaultOnError(error: AttestaVerificationError, c: Context): Response {
  return c.json({ error: error.message }, error.status);
}

/**
 * Builds the Hono middleware around `verify`.
 *
 * @example
 * ```ts
 * export const verifyAttesta = (options: HonoVerifyOptions) => createHonoMiddleware(options, verifySignature);
 * ```
 */
export function createHonoMiddleware(
  options: HonoVerifyOptions,
  verify: VerifyFn,
): MiddlewareHandler<AttestaEnv> {
  const { secret, maxBodyBytes, onError = defaultOnError } = resolveOptions(options);

  return async (c, next) => {
    let payload: WebhookPayload;
    try {
      const signature = c.req.header(SIGNATURE_HEADER);
      assertSignaturePresent(signature);
      payload = parseDelivery(await readHonoBody(c.req, maxBodyBytes), signature, secret, verify);
    } catch (error) {
      if (!(error instanceof AttestaVerificationError)) throw error;
      return onError(error, c);
    }
    c.set("attesta", payload);
    await next();
  };
}
