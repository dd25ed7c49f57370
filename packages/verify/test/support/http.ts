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
