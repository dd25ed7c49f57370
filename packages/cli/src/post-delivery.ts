/**
 * One signed POST, as the dispatcher sends it, for `send` and `trigger`.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { randomUUID } from "node:crypto";
import type { EventType } from "@attesta/events";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, sign } from "@attesta/verify";
import { ioError } from "./cli-error";
import { VERSION } from "./version";

/** What to send. */
export interface DeliveryRequest {
  url: URL;
  event: EventType;
  data: unknown;
  secret: string;
  /** Epoch milliseconds of the event. */
  timestamp: number;
  timeoutMs: number;
  extraHeaders?: Record<string, string>;
}

/** What was sent and what came back. */
export interface DeliveryResult {
  event: string;
  url: string;
  deliveryId: string;
  size: number;
  signature: string;
  status: number;
  statusText: string;
  ok: boolean;
  durationMs: number;
  /** The first 2 KiB of the response body, as text. */
  response: string;
}

/**
 * Signs and POSTs one event. A network failure or timeout is an I/O error
 * (exit 3); any HTTP answer is a result, accepted or not.
 */
export async function postDelivery(request: DeliveryRequest): Promise<DeliveryResult> {
  // Imported on first use: the dispatcher package loads its HTTP client with it.
  const { toWebhookPayload } = await import("@attesta/webhooks");
  const payload = toWebhookPayload({
    type: request.event,
    timestamp: request.timestamp,
    data: request.data as never,
  });
  const body = Buffer.from(JSON.stringify(payload));
  const deliveryId = randomUUID();
  const signature = sign(body, request.secret);
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": `attesta-cli/${VERSION}`,
        [DELIVERY_HEADER]: deliveryId,
        [EVENT_HEADER]: request.event,
        [SIGNATURE_HEADER]: signature,
        ...request.extraHeaders,
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    throw unreachable(request, error);
  }
  const text = await response.text().catch(() => "");
  return {
    event: payload.event,
    url: request.url.href,
    deliveryId,
    size: body.length,
    signature,
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    durationMs: performance.now() - started,
    response: text.slice(0, 2048),
  };
}

function unreachable(request: DeliveryRequest, error: unknown) {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const name = (error as Error).name;
  const what =
    name === "TimeoutError"
      ? `no answer within ${request.timeoutMs} ms`
      : (cause?.code ?? cause?.message ?? (error as Error).message);
  return ioError(
    `could not deliver to ${request.url.href}: ${what}.`,
    name === "TimeoutError"
      ? "check that the endpoint answers, or raise --timeout."
      : "check that the receiver is running and the URL's host and port are right (e.g. start one with attesta listen).",
    error,
  );
}
