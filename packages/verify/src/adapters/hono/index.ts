/**
 * Hono middleware: `@attesta/verify/hono`. This is the build selected by the
 * `node` export condition (Node, Bun, Deno), verifying with node:crypto.
 *
 * @module
 */
import type { MiddlewareHandler } from "hono";
import { nodeEngine } from "../../node/node-primitives";
import {
  type AttestaEnv,
  createHonoMiddleware,
  type HonoVerifyOptions,
} from "./create-hono-middleware";

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
export function verifyAttesta(options: HonoVerifyOptions): MiddlewareHandler<AttestaEnv> {
  return createHonoMiddleware(options, nodeEngine);
}

export type { WebhookPayload } from "@attesta/events";
export { DEFAULT_MAX_BODY_BYTES } from "../../middleware/resolve-options";
export type { VerificationErrorCode } from "../../protocol/verification-error";
export { AttestaVerificationError } from "../../protocol/verification-error";
export type { AttestaEnv, HonoVerifyOptions } from "./create-hono-middleware";
