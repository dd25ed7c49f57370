/**
 * Node's `http` request and response, bridged to the console's Fetch
 * handler: the form Express, Koa and `node:http` servers call.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Console } from "./create-console";

/** Largest request body read for the console (its JSON bodies are small). */
const MAX_BODY = 64 * 1024;

/** What the adapters need of Node's request: Express and Koa add `originalUrl`, Express may add a parsed `body`. */
export type NodeRequest = IncomingMessage & { originalUrl?: string; body?: unknown };

async function readBody(req: NodeRequest): Promise<string | undefined> {
  if (req.method === "GET" || req.method === "HEAD") return undefined;
  // A body parser of the host app may have read the stream already.
  if (req.body !== undefined)
    return typeof req.body === "string" ? req.body : JSON.stringify(req.body);
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function toRequest(req: NodeRequest, body: string | undefined, signal: AbortSignal): Request {
  const host = req.headers.host ?? "localhost";
  const protocol = (req.socket as { encrypted?: boolean }).encrypted ? "https" : "http";
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  return new Request(`${protocol}://${host}${req.originalUrl ?? req.url ?? "/"}`, {
    method: req.method ?? "GET",
    headers,
    signal,
    ...(body === undefined ? {} : { body }),
  });
}

async function writeResponse(response: Response, res: ServerResponse): Promise<void> {
  res.statusCode = response.status;
  response.headers.forEach((value, name) => {
    res.setHeader(name, value);
  });
  if (response.body === null) {
    res.end();
    return;
  }
  // Only an event stream is streamed; anything else goes out in one write with its length.
  if (!response.headers.get("content-type")?.startsWith("text/event-stream")) {
    const body = Buffer.from(await response.arrayBuffer());
    res.setHeader("content-length", body.length);
    res.end(body);
    return;
  }
  res.flushHeaders();
  const reader = response.body.getReader();
  res.on("close", () => void reader.cancel().catch(() => undefined));
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (!res.write(value)) await new Promise((resolve) => res.once("drain", resolve));
  }
  res.end();
}

/**
 * A `(req, res)` listener for `node:http`'s `createServer`, and the core of
 * the Express and Koa adapters.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * createServer(nodeListener(console)).listen(4010, "127.0.0.1");
 * ```
 */
export function nodeListener(
  console: Console,
): (req: NodeRequest, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const aborted = new AbortController();
    res.on("close", () => aborted.abort());
    try {
      const body = await readBody(req);
      await writeResponse(await console.fetch(toRequest(req, body, aborted.signal)), res);
    } catch {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/problem+json" });
      res.end();
    }
  };
}
