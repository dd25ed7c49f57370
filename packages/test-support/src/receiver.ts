/**
 * A real HTTP receiver on 127.0.0.1 for the tests: records every request and
 * answers as the test's responder says.
 *
 * @module
 */
import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
  /** When the request body had fully arrived, from performance.now(). */
  readonly at: number;
}

/** Answers one request; `index` counts requests from 0. Leaving `res` unanswered makes the endpoint hang. */
export type Responder = (req: ReceivedRequest, res: ServerResponse, index: number) => void;

export interface Receiver {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** Per request path, the most requests that were ever open at once (arrived, not yet answered). */
  readonly mostOpen: ReadonlyMap<string, number>;
  /** Resolves once `count` requests have arrived. */
  waitForRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

export const ok: Responder = (_req, res) => {
  res.writeHead(204).end();
};

/**
 * Starts a receiver on 127.0.0.1, on `port` (0: a free one). Its `url` ends
 * in `path`; requests to any path are recorded.
 */
export async function startReceiver(
  responder: Responder = ok,
  path = "/hook",
  port = 0,
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  const open = new Map<string, number>();
  const mostOpen = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const at = req.url ?? "";
    const now = (open.get(at) ?? 0) + 1;
    open.set(at, now);
    mostOpen.set(at, Math.max(mostOpen.get(at) ?? 0, now));
    res.on("close", () => open.set(at, (open.get(at) ?? 1) - 1));
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const received: ReceivedRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks),
        at: performance.now(),
      };
      requests.push(received);
      responder(received, res, requests.length - 1);
      for (const waiter of waiting.splice(0)) {
        if (requests.length >= waiter.count) waiter.resolve();
        else waiting.push(waiter);
      }
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.listen(port, "127.0.0.1");
  await once(server, "listening");
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}${path}`,
    requests,
    mostOpen,
    waitForRequests: (count) =>
      requests.length >= count
        ? Promise.resolve()
        : new Promise((resolve) => waiting.push({ count, resolve })),
    close: () => {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** A URL on 127.0.0.1 where nothing listens (connection refused). */
export async function deadUrl(): Promise<string> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}/hook`;
}
