/**
 * Bounded reading of a Node request stream.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import type { IncomingMessage } from "node:http";
import { payloadTooLarge } from "../protocol/payload-too-large";
import { AttestaVerificationError } from "../protocol/verification-error";

/**
 * Reads `req` to the end and calls `done` once with its bytes, refusing more
 * than `limit`. A declared Content-Length over the limit fails before reading
 * anything; otherwise reading stops at the first chunk that crosses the limit,
 * so an oversized body is never buffered. Callback-based because it sits on
 * every webhook request and a promise costs measurable throughput there.
 *
 * `done` receives `payload_too_large` (413) or `body_read_failed` (400) errors.
 *
 * @example
 * ```ts
 * readRawBody(req, 1024 * 1024, (error, raw) => {
 *   if (error) return reject(error);
 *   accept(raw);
 * });
 * ```
 */
export function readRawBody(
  req: IncomingMessage,
  limit: number,
  done: (error: AttestaVerificationError | null, body: Buffer) => void,
): void {
  const empty = Buffer.alloc(0);
  if (req.readableEnded) {
    done(
      new AttestaVerificationError(
        "body_read_failed",
        "The request stream was already read to the end.",
      ),
      empty,
    );
    return;
  }
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    done(payloadTooLarge(limit), empty);
    return;
  }

  const chunks: Buffer[] = [];
  let received = 0;
  let settled = false;

  const finish = (error: AttestaVerificationError | null): void => {
    // Listeners stay attached (cheaper on this hot path); `settled` makes
    // any later event a no-op.
    if (settled) return;
    settled = true;
    if (error === null) {
      const [only] = chunks;
      done(
        null,
        chunks.length === 1 && only !== undefined ? only : Buffer.concat(chunks, received),
      );
    } else {
      // Stop pulling bytes; the response is sent with Connection: close.
      req.pause();
      done(error, empty);
    }
  };
  const onData = (chunk: Buffer | string): void => {
    if (typeof chunk === "string") {
      finish(
        new AttestaVerificationError(
          "body_read_failed",
          "The request stream was switched to text mode (setEncoding), so its raw bytes are not available.",
        ),
      );
      return;
    }
    received += chunk.length;
    if (received > limit) finish(payloadTooLarge(limit));
    else chunks.push(chunk);
  };
  const onEnd = (): void => finish(null);
  const onError = (cause: Error): void =>
    finish(
      new AttestaVerificationError("body_read_failed", "Could not read the request body.", {
        cause,
      }),
    );
  const onClose = (): void => {
    if (!req.complete) {
      finish(
        new AttestaVerificationError(
          "body_read_failed",
          "The client aborted the request before the body ended.",
        ),
      );
    }
  };

  req.on("data", onData);
  req.on("end", onEnd);
  req.on("error", onError);
  req.on("close", onClose);
}
