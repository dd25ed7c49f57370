/**
 * Hono middleware: `@attesta/verify/hono` for runtimes without the `node`
 * export condition (Cloudflare Workers, browsers): no Node built-ins.
 *
 * @module
 */
import { webCryptoEngine } from "../../web/web-crypto-primitives";
import { createHonoMiddleware, type HonoVerifyAttesta } from "./create-hono-middleware";

// Documented on HonoVerifyAttesta, shared by the node and web builds.
export const verifyAttesta: HonoVerifyAttesta = (options) =>
  createHonoMiddleware(options, webCryptoEngine);

export type { WebhookPayload } from "@attesta/events";
export { DEFAULT_MAX_BODY_BYTES } from "../../middleware/resolve-options";
export type { VerificationErrorCode } from "../../protocol/verification-error";
export { AttestaVerificationError } from "../../protocol/verification-error";
export type {
  AttestaEnv,
  HonoVerifyAttesta,
  HonoVerifyOptions,
} from "./create-hono-middleware";
