/**
 * Express middleware: `@attesta/verify/express`.
 *
 * @module
 */
import type { WebhookPayload } from "@attesta/events";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { bodyAlreadyParsed } from "../../body-already-parsed";
import { SIGNATURE_HEADER } from "../../constants";
import { readRawBody } from "../../node/read-raw-body";
import { savedRawBody } from "../../node/saved-raw-body";
import { verifySignature } from "../../node/verify-signature";
import { parseDelivery } from "../../parse-delivery";
import { payloadTooLarge } from "../../payload-too-large";
import { type BaseVerifyOptions, resolveOptions } from "../../resolve-options";
import { AttestaVerificationError } from "../../verification-error";

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
   * to hand it to Express's error handlers instead.
   */
  onError?: (
    error: AttestaVerificationError,
    req: Request,
    res: Response,
    next: NextFunction,
  ) => void;
}

const FIX =
  "mount verifyAttesta() before express.json() on the webhook route, e.g. " +
  'app.post("/webhooks/attesta", verifyAttesta({ secret }), handler) with app.use(express.json()) registered after it ' +
  'or scoped to other routes; or parse this route with express.raw({ type: "application/json" }); ' +
  "or keep the bytes with express.json({ verify: (req, _res, buf) => { req.rawBody = buf; } }).";

const EMPTY = new Uint8Array(0);

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

/**
 * Express middleware that verifies an Attesta delivery and sets `req.attesta`
 * to the typed payload. Mount it on the webhook route before any JSON
 * parser: it reads the raw stream itself (enforcing `maxBodyBytes` while
 * reading), or uses the Buffer `express.raw()` left in `req.body`, or
 * `req.rawBody` if the app saved it. Rejections never reach your handler:
 * 401 for a missing or invalid signature, 413 for an oversized body, 400 for
 * a body that is not a JSON payload, 500 if a parser already consumed the
 * bytes (logged once with the fix).
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
  const { secret, maxBodyBytes, onError = defaultOnError } = resolveOptions(options);
  let warned = false;

  const reject = (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    if (!(error instanceof AttestaVerificationError)) {
      next(error);
      return;
    }
    if (error.code === "body_already_parsed" && !warned) {
      warned = true;
      console.error(error.message);
    }
    // Unread bytes of an oversized body are not worth draining.
    if (error.code === "payload_too_large") res.setHeader("Connection", "close");
    onError(error, req, res, next);
  };

  return (req, res, next) => {
    const signature = req.headers[SIGNATURE_HEADER] as string | undefined;
    const accept = (raw: Uint8Array): void => {
      try {
        if (raw.byteLength > maxBodyBytes) throw payloadTooLarge(maxBodyBytes);
        req.attesta = parseDelivery(raw, signature, secret, verifySignature);
      } catch (error) {
        reject(error, req, res, next);
        return;
      }
      next();
    };
    const earlier = bytesFromEarlierParser(req);
    if (earlier === undefined) {
      reject(bodyAlreadyParsed(FIX), req, res, next);
    } else if (earlier !== null) {
      accept(earlier);
    } else if (signature === undefined || signature === "") {
      // Refuse before reading: an unsigned request's body is irrelevant.
      accept(EMPTY);
    } else {
      readRawBody(req, maxBodyBytes, (error, raw) => {
        if (error) reject(error, req, res, next);
        else accept(raw);
      });
    }
  };
}

export type { WebhookPayload } from "@attesta/events";
export { DEFAULT_MAX_BODY_BYTES } from "../../resolve-options";
export type { VerificationErrorCode } from "../../verification-error";
export { AttestaVerificationError } from "../../verification-error";
