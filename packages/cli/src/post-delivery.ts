/**
 * One signed POST, as the dispatcher sends it, for `send` and `trigger`.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { EventType } from "@attesta/events";
import { DELIVERY_HEADER, EVENT_HEADER, signatureHeaders } from "@attesta/verify";
import { type BodyFormat, renderBody, shownUrl } from "./chat-format";
import { ioError, usageError } from "./cli-error";
import type { SendScheme } from "./scheme";
import { VERSION } from "./version";

/** What to send. */
export interface DeliveryRequest {
  url: URL;
  event: EventType;
  data: unknown;
  /** Signing secrets: X-Attesta-Signature uses the first, webhook-signature every one. */
  secrets: readonly string[];
  scheme: SendScheme;
  /** Epoch milliseconds of the event. */
  timestamp: number;
  timeoutMs: number;
  extraHeaders?: Record<string, string>;
  /** The body's format (default `attesta`): a chat format sends that service's message. */
  format?: BodyFormat;
}

/** What was sent and what came back. */
export interface DeliveryResult {
  event: string;
  url: string;
  deliveryId: string;
  size: number;
  /** The signature headers sent, by lower-case name. */
  signatures: Record<string, string>;
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
  const format = request.format ?? "attesta";
  const { body, name } = await renderBody(format, {
    type: request.event,
    timestamp: request.timestamp,
    data: request.data,
  });
  const url = await shownUrl(request.url, format);
  const deliveryId = randomUUID();
  const signatures = request.secrets.length === 0 ? {} : signHeaders(request, body, deliveryId);
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
        ...signatures,
        ...request.extraHeaders,
      },
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(request.timeoutMs),
    });
  } catch (error) {
    throw unreachable(request, url, error);
  }
  const text = await response.text().catch(() => "");
  return {
    event: name,
    url,
    deliveryId,
    size: body.length,
    signatures,
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    durationMs: performance.now() - started,
    response: text.slice(0, 2048),
  };
}

/** The signature headers of the request's scheme; a secret the scheme cannot use is a usage error. */
export function signHeaders(
  request: Pick<DeliveryRequest, "secrets" | "scheme">,
  body: Uint8Array,
  id: string,
  /** Unix seconds for webhook-timestamp; default now. */
  timestamp?: number,
): Record<string, string> {
  const secret = request.secrets.length === 1 ? (request.secrets[0] ?? "") : [...request.secrets];
  try {
    const pairs = signatureHeaders(body, {
      scheme: request.scheme,
      id,
      timestamp: timestamp ?? new Date(),
      secret,
    });
    return Object.fromEntries(pairs);
  } catch (error) {
    throw usageError(
      `${(error as Error).message.replace(/^@attesta\/verify: /, "").replace(/ Fix: .*$/s, "")}`,
      "Standard Webhooks needs whsec_ secrets (whsec_ followed by base64, e.g. from openssl rand -base64 32); --scheme attesta takes any secret.",
    );
  }
}

function unreachable(request: DeliveryRequest, url: string, error: unknown) {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const name = (error as Error).name;
  const what =
    name === "TimeoutError"
      ? `no answer within ${request.timeoutMs} ms`
      : (cause?.code ?? cause?.message ?? (error as Error).message);
  return ioError(
    `could not deliver to ${url}: ${what}.`,
    name === "TimeoutError"
      ? "check that the endpoint answers, or raise --timeout."
      : "check that the receiver is running and the URL's host and port are right (e.g. start one with attesta listen).",
    error,
  );
}
