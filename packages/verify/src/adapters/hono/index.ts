/**
 * Hono middleware: `@attesta/verify/hono`. This is the build selected by the
 * `node` export condition (Node, Bun, Deno), verifying with node:crypto.
 *
 * @module
 */
import { nodeEngine } from "../../node/node-primitives";
import { createHonoMiddleware, type HonoVerifyAttesta } from "./create-hono-middleware";

// Documented on HonoVerifyAttesta, shared by the node and web builds.
export const verifyAttesta: HonoVerifyAttesta = (options) =>
  createHonoMiddleware(options, nodeEngine);

export type { WebhookPayload } from "@attesta/events";
export { DEFAULT_MAX_BODY_BYTES } from "../../middleware/resolve-options";
export type { VerificationErrorCode } from "../../protocol/verification-error";
export { AttestaVerificationError } from "../../protocol/verification-error";
export type {
  AttestaEnv,
  HonoVerifyAttesta,
  HonoVerifyOptions,
} from "./create-hono-middleware";
