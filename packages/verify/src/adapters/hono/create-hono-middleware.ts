/**
 * The Hono middleware, parameterised by the engine so the `node` build uses
 * node:crypto and the web build Web Crypto.
 *
 * @module
 */
// biome-ignore-all lint/style/useShorthandFunctionType: a function type alias would lose the documentation in the declarations.
import type { WebhookPayload } from "@attesta/events";
import type { Context, MiddlewareHandler, Next } from "hono";
import type { Engine } from "../../engine/engine";
import { createMiddleware } from "../../middleware/create-middleware";
import { type BaseVerifyOptions, resolveOptions } from "../../middleware/resolve-options";
import type { AttestaVerificationError } from "../../protocol/verification-error";
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

interface HonoContext {
  c: Context<AttestaEnv>;
  next: Next;
}

function defaultOnError(error: AttestaVerificationError, c: Context): Response {
  return c.json({ error: error.message }, error.status);
}

/** True when the request declared a body that was never read. */
function bodyUnread(c: Context): boolean {
  const declared = c.req.header("content-length");
  const hasBody =
    c.req.header("transfer-encoding") !== undefined || (declared !== undefined && declared !== "0");
  return hasBody && !c.req.raw.bodyUsed;
}

/** The type of `verifyAttesta`, documented once for the node and web builds. */
export interface HonoVerifyAttesta {
  /**
   * Hono middleware that verifies an Attesta delivery and makes the typed
   * payload available as `c.get("attesta")`. It reads the body through
   * `c.req`, so later handlers can still call `c.req.json()`, and enforces
   * `maxBodyBytes` while reading. Rejections never reach your handler: 401
   * for a missing or invalid signature, 413 for an oversized body, 400 for a
   * body that is not a JSON payload.
   *
   * @example
   * ```ts
   * import { Hono } from "hono";
   * import { verifyAttesta, type AttestaEnv } from "@attesta/verify/hono";
   *
   * const app = new Hono<AttestaEnv>();
   * app.post("/webhooks/attesta", verifyAttesta({ secret: "whsec_test" }), (c) => {
   *   const payload = c.get("attesta");
   *   return c.json({ received: payload.event });
   * });
   * ```
   */
  (options: HonoVerifyOptions): MiddlewareHandler<AttestaEnv>;
}

/**
 * Builds the Hono middleware around `engine`.
 *
 * @example
 * ```ts
 * export const verifyAttesta: HonoVerifyAttesta = (options) => createHonoMiddleware(options, nodeEngine);
 * ```
 */
export function createHonoMiddleware(
  options: HonoVerifyOptions,
  engine: Engine,
): MiddlewareHandler<AttestaEnv> {
  const resolved = resolveOptions(options);
  const onError = resolved.onError ?? defaultOnError;
  const handle = createMiddleware<HonoContext>(resolved, engine, {
    header: ({ c }, name) => c.req.header(name) || undefined,
    body: ({ c }, limit) => readHonoBody(c.req, limit),
    reject: async ({ c }, error) => {
      const response = await onError(error, c);
      // On Node, an unread body would otherwise be read and discarded to keep the connection.
      if (error.code === "payload_too_large" || bodyUnread(c)) {
        try {
          response.headers.set("Connection", "close");
        } catch {
          // An onError response with immutable headers (Response.redirect) is sent as it is.
        }
      }
      c.res = response;
    },
    duplicate: ({ c }) => {
      c.res = c.json({ duplicate: true }, 200);
    },
    proceed: async ({ c, next }, payload) => {
      c.set("attesta", payload);
      await next();
      return c.res.status >= 200 && c.res.status < 300;
    },
  });
  return async (c, next) => {
    await handle({ c, next });
  };
}
