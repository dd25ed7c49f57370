/**
 * Express middleware: `@attesta/verify/express`.
 *
 * @module
 */
import type { WebhookPayload } from "@attesta/events";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { createMiddleware } from "../../middleware/create-middleware";
import { type BaseVerifyOptions, resolveOptions } from "../../middleware/resolve-options";
import { hasUnreadBody } from "../../node/close-unread-body";
import { nodeEngine } from "../../node/node-primitives";
import { readRawBody } from "../../node/read-raw-body";
import { savedRawBody } from "../../node/saved-raw-body";
import { bodyAlreadyParsed } from "../../protocol/body-already-parsed";
import { payloadTooLarge } from "../../protocol/payload-too-large";
import type { AttestaVerificationError } from "../../protocol/verification-error";

declare global {
  // Express merges this global interface into its Request type.
  namespace Express {
    interface Request {
      /** The verified Attesta payload, set by `verifyAttesta()`; undefined on routes without it. */
      attesta?: WebhookPayload;
    }
  }
}

/** Options of the Express middleware. */
export interface ExpressVerifyOptions extends BaseVerifyOptions {
  /**
   * Writes the response for a rejected delivery. Default: status
   * `error.status` with JSON `{ "error": error.message }`. Call `next(error)`
   * to hand it to Express's error handlers instead; a throw or a rejected
   * promise goes there too.
   */
  onError?: (
    error: AttestaVerificationError,
    req: Request,
    res: Response,
    next: NextFunction,
  ) => void | Promise<void>;
}

interface ExpressContext {
  req: Request;
  res: Response;
  next: NextFunction;
}

const FIX =
  "mount verifyAttesta() before express.json() on the webhook route, e.g. " +
  'app.post("/webhooks/attesta", verifyAttesta({ secret }), handler) with app.use(express.json()) registered after it ' +
  'or scoped to other routes; or parse this route with express.raw({ type: "application/json" }); ' +
  "or keep the bytes with express.json({ verify: (req, _res, buf) => { req.rawBody = buf; } }).";

function defaultOnError(error: AttestaVerificationError, _req: Request, res: Response): void {
  res.status(error.status).json({ error: error.message });
}

/** Raw bytes left by an earlier parser, `null` when the stream is untouched, or `undefined` when they are lost. */
function bytesFromEarlierParser(req: Request): Uint8Array | null | undefined {
  if (Buffer.isBuffer(req.body)) return req.body;
  const saved = savedRawBody((req as { rawBody?: unknown }).rawBody);
  if (saved !== undefined) return saved;
  // Judge by the stream, not by req.body: body-parser 1.x (Express 4) sets req.body = {} on requests it skipped.
  // It marks requests it did read with `_body`; a stream that emitted data or ended was read by someone.
  if ((req as { _body?: unknown })._body === true || req.readableDidRead || req.readableEnded)
    return undefined;
  return null;
}

function readBody({ req }: ExpressContext, limit: number): Promise<Uint8Array> {
  const earlier = bytesFromEarlierParser(req);
  if (earlier === undefined) return Promise.reject(bodyAlreadyParsed(FIX));
  if (earlier !== null) {
    return earlier.byteLength > limit
      ? Promise.reject(payloadTooLarge(limit))
      : Promise.resolve(earlier);
  }
  return new Promise((resolve, reject) =>
    readRawBody(req, limit, (error, body) => (error ? reject(error) : resolve(body))),
  );
}

/** Resolves once `res` is sent, with whether its status is 2xx; false if the client left first. */
function answered(res: Response): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (): void =>
      resolve(res.writableFinished && res.statusCode < 300 && res.statusCode >= 200);
    res.once("finish", done);
    res.once("close", done);
  });
}

/**
 * Express middleware that verifies an Attesta delivery and sets `req.attesta`
 * to the typed payload. Mount it on the webhook route before any JSON
 * parser: it reads the raw stream itself (enforcing `maxBodyBytes` while
 * reading), or uses the Buffer `express.raw()` left in `req.body`, or
 * `req.rawBody` if the app saved it. Rejections never reach your handler:
 * 401 for a missing, invalid or expired signature, 413 for an oversized body,
 * 400 for a body that is not a JSON payload, 500 if a parser already consumed
 * the bytes (logged once with the fix). A delivery your handler already
 * answered 2xx is answered 200 `{"duplicate":true}` without running it.
 *
 * @example
 * ```ts
 * import express from "express";
 * import { verifyAttesta } from "@attesta/verify/express";
 *
 * const app = express();
 * app.post("/webhooks/attesta", verifyAttesta({ secret: process.env.ATTESTA_WEBHOOK_SECRET! }), (req, res) => {
 *   if (req.attesta?.event === "DENIED") console.log(req.attesta.data.reason);
 *   res.sendStatus(204);
 * });
 * ```
 */
export function verifyAttesta(options: ExpressVerifyOptions): RequestHandler {
  const resolved = resolveOptions(options);
  const onError = resolved.onError ?? defaultOnError;
  const handle = createMiddleware<ExpressContext>(resolved, nodeEngine, {
    header: ({ req }, name) => {
      const value = req.headers[name];
      return typeof value === "string" && value !== "" ? value : undefined;
    },
    body: readBody,
    reject: ({ req, res, next }, error) => {
      if (error.code === "payload_too_large" || hasUnreadBody(req)) {
        res.setHeader("Connection", "close");
      }
      // Express 5 hands a rejected promise to next(err) only for the route's own
      // return value; this call is nested, so both failure paths are routed by hand.
      try {
        const result = onError(error, req, res, next);
        if (result instanceof Promise) result.catch(next);
      } catch (thrown) {
        next(thrown);
      }
    },
    duplicate: ({ res }) => {
      res.status(200).json({ duplicate: true });
    },
    proceed: ({ req, res, next }, payload) => {
      req.attesta = payload;
      const outcome = answered(res);
      next();
      return outcome;
    },
  });
  return (req, res, next) => {
    handle({ req, res, next }).catch((error: unknown) => {
      // After the handler answered, only a replay store failure lands here.
      if (res.headersSent)
        console.error("@attesta/verify: could not record a delivery in the replay store:", error);
      else next(error);
    });
  };
}

export type { WebhookPayload } from "@attesta/events";
export { DEFAULT_MAX_AGE_SEC, DEFAULT_MAX_BODY_BYTES } from "../../middleware/resolve-options";
export type { ReceiverScheme } from "../../protocol/types";
export type { VerificationErrorCode } from "../../protocol/verification-error";
export { AttestaVerificationError } from "../../protocol/verification-error";
export { MemoryReplayStore } from "../../replay/memory-replay-store";
export type { ReplayStore } from "../../replay/replay-store";
