/**
 * Ending the connection of a request whose body will not be read.
 *
 * @module
 */
import type { IncomingMessage } from "node:http";

/**
 * True when `req` still has body bytes on the way that nobody will read.
 * Node would otherwise read and discard them to keep the connection alive:
 * a client declaring gigabytes keeps a core busy until the request timeout.
 * Answering with `Connection: close` makes Node end the socket instead.
 *
 * @example
 * ```ts
 * if (hasUnreadBody(req)) res.setHeader("Connection", "close");
 * ```
 */
export function hasUnreadBody(req: IncomingMessage): boolean {
  if (req.complete || req.readableEnded) return false;
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}
