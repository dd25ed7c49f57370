/**
 * The HTTP server behind `attesta listen`: verify, answer, forward, report.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { DELIVERY_HEADER } from "@attesta/verify";
import { diagnose } from "../diagnose/diagnose";
import type { CheckScheme } from "../scheme";
import { bodyFields, type DeliveryRecord, verdictFields } from "./delivery-record";
import { type Forwarded, forward } from "./forward";
import { readPayloadEvent } from "./read-payload-event";

/** How the receiver checks and where it sends what it accepts. */
export interface ReceiverOptions {
  secrets: readonly string[];
  scheme: CheckScheme;
  toleranceSec: number;
  forwardTo?: URL;
  forwardTimeoutMs: number;
  maxBodyBytes: number;
  /** Called once per POST, before the sender gets its answer. */
  onDelivery(record: DeliveryRecord): void;
}

/** The body, or null when it is larger than `limit` (the rest is drained, not kept). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function singleValued(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return headers;
}

function answerJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function answerForwarded(res: ServerResponse, forwarded: Forwarded): number {
  if (!forwarded.ok) {
    answerJson(res, 502, { error: `attesta listen could not forward: ${forwarded.error}` });
    return 502;
  }
  const headers = forwarded.contentType ? { "content-type": forwarded.contentType } : {};
  res.writeHead(forwarded.status, headers).end(forwarded.body);
  return forwarded.status;
}

async function handlePost(req: IncomingMessage, res: ServerResponse, options: ReceiverOptions) {
  const receivedAt = new Date().toISOString();
  const headers = singleValued(req);
  const body = await readBody(req, options.maxBodyBytes);
  const base = {
    type: "delivery" as const,
    received_at: receivedAt,
    method: "POST",
    path: req.url ?? "/",
    // Standard Webhooks senders identify a message by webhook-id instead.
    delivery_id: headers[DELIVERY_HEADER] ?? headers["webhook-id"] ?? null,
    forwarded: null,
    headers,
  };
  if (body === null) {
    const reason = `body larger than ${options.maxBodyBytes} bytes; Attesta payloads are a few hundred`;
    options.onDelivery({
      ...base,
      event: null,
      size: Number(headers["content-length"] ?? 0),
      verified: false,
      status: 413,
      code: "payload_too_large",
      reason,
      body: "",
    });
    return answerJson(res, 413, { error: reason, code: "payload_too_large" });
  }
  const verdict = diagnose({ body, headers }, options.secrets, options.scheme, {
    toleranceSec: options.toleranceSec,
    now: Date.now(),
  });
  const payload = readPayloadEvent(body);
  const record: DeliveryRecord = {
    ...base,
    event: payload.event,
    size: body.length,
    status: 0,
    ...verdictFields(verdict),
    ...(payload.note === undefined ? {} : { note: payload.note }),
    ...bodyFields(body),
  };
  if (!verdict.ok) {
    record.status = 401;
    options.onDelivery(record);
    return answerJson(res, 401, { error: verdict.reason, code: verdict.code });
  }
  if (payload.problem) {
    Object.assign(record, {
      verified: false,
      status: 400,
      code: "invalid_payload",
      reason: payload.problem,
    });
    options.onDelivery(record);
    return answerJson(res, 400, { error: payload.problem, code: "invalid_payload" });
  }
  if (!options.forwardTo) {
    record.status = 204;
    options.onDelivery(record);
    res.writeHead(204).end();
    return;
  }
  const forwarded = await forward(options.forwardTo, body, req.headers, options.forwardTimeoutMs);
  const url = options.forwardTo.href;
  record.forwarded = forwarded.ok
    ? { url, status: forwarded.status }
    : { url, error: forwarded.error };
  record.status = forwarded.ok ? forwarded.status : 502;
  options.onDelivery(record);
  answerForwarded(res, forwarded);
}

/** An HTTP server that verifies every POST, on any path. */
export function createReceiver(options: ReceiverOptions): Server {
  return createServer((req, res) => {
    if (req.method === "GET" || req.method === "HEAD") {
      res.writeHead(200, { "content-type": "text/plain; charset=utf-8" });
      res.end("attesta listen is running: POST Attesta deliveries to any path.\n");
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST, GET, HEAD" }).end();
      return;
    }
    handlePost(req, res, options).catch((error: unknown) => {
      if (!res.headersSent) answerJson(res, 500, { error: `attesta listen: ${String(error)}` });
      else res.destroy();
    });
  });
}
