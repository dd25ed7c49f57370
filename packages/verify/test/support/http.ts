/**
 * A small HTTP client for tests against real servers on 127.0.0.1.
 *
 * @module
 */
import { type OutgoingHttpHeaders, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

/** Starts `server` on an ephemeral port of 127.0.0.1 and returns its base URL. */
export async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops `server`, dropping idle keep-alive sockets. */
export async function close(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * POSTs `body`. With `chunked: true` no Content-Length is sent, so the server
 * cannot know the size in advance.
 */
export function post(
  url: string,
  body: string | Uint8Array,
  headers: OutgoingHttpHeaders = {},
  options: { chunked?: boolean } = {},
): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const bytes = typeof body === "string" ? Buffer.from(body) : Buffer.from(body);
    const req = request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(options.chunked
          ? { "transfer-encoding": "chunked" }
          : { "content-length": bytes.length }),
        ...headers,
      },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: parse(text) });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(bytes);
  });
}

export interface StreamingOutcome {
  status: number;
  text: string;
  /** Bytes written before the response arrived (or the server hung up). */
  bytesWritten: number;
  /** Whether the client got to send the whole body. */
  finished: boolean;
}

/**
 * Streams up to `totalBytes` in small chunks, pausing between them, and stops
 * as soon as the server answers. Proves the server replied before the body
 * ended. `declareLength` sends a Content-Length up front.
 */
export function postSlowly(
  url: string,
  totalBytes: number,
  headers: OutgoingHttpHeaders,
  declareLength: boolean,
): Promise<StreamingOutcome> {
  const chunk = Buffer.alloc(4096, 0x20);
  return new Promise((resolve, reject) => {
    let bytesWritten = 0;
    let answered = false;
    const req = request(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(declareLength ? { "content-length": totalBytes } : { "transfer-encoding": "chunked" }),
        ...headers,
      },
    });
    const pump = (): void => {
      if (answered) return;
      if (bytesWritten >= totalBytes) {
        req.end();
        return;
      }
      bytesWritten += chunk.length;
      req.write(chunk, () => setTimeout(pump, 2));
    };
    req.on("response", (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        resolve({
          status: res.statusCode ?? 0,
          text: Buffer.concat(chunks).toString("utf8"),
          bytesWritten,
          finished: bytesWritten >= totalBytes,
        });
        req.destroy();
      });
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    pump();
  });
}

export interface FloodOutcome {
  status: number;
  connection: string | undefined;
  /** The server ended the connection while the client was still sending. */
  closedByServer: boolean;
  bytesWritten: number;
}

/**
 * Declares a `declaredBytes` body and keeps writing it as fast as the socket
 * drains, for at most `watchMs` after the response arrives. Reports whether
 * the server closed the connection (what it should do with a body it will
 * not read) or kept reading and discarding it. Bounded: stops by itself.
 */
export function flood(
  url: string,
  headers: OutgoingHttpHeaders,
  declaredBytes: number,
  watchMs = 3000,
): Promise<FloodOutcome> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  return new Promise((resolve, reject) => {
    let bytesWritten = 0;
    let status = 0;
    let connection: string | undefined;
    let settled = false;
    let deadline: ReturnType<typeof setTimeout> | undefined;
    const req = request(url, {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": declaredBytes, ...headers },
    });
    const finish = (closedByServer: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      req.destroy();
      if (status === 0) reject(new Error("the server closed the connection without a response"));
      else resolve({ status, connection, closedByServer, bytesWritten });
    };
    const pump = (): void => {
      // biome-ignore lint/nursery/noUnmodifiedLoopCondition: settled is set by the response and close callbacks between pump calls; a pump resumed by "drain" must stop once they ran.
      while (!settled && bytesWritten + chunk.length <= declaredBytes) {
        bytesWritten += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
    };
    req.on("response", (res) => {
      status = res.statusCode ?? 0;
      const value = res.headers.connection;
      connection = typeof value === "string" ? value.toLowerCase() : undefined;
      res.resume();
      deadline = setTimeout(() => finish(false), watchMs);
    });
    req.on("error", () => finish(true));
    req.on("close", () => finish(true));
    pump();
  });
}
