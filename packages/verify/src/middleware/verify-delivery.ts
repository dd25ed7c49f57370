/**
 * The receiver's algorithm, independent of any framework: pick the scheme,
 * refuse on headers alone where possible, read the body within its limit,
 * verify, parse, check the age, and name the replay keys.
 *
 * @module
 */
import type { WebhookPayload } from "@attesta/events";
import { verifyAttestaSignature } from "../engine/attesta-scheme";
import type { Engine } from "../engine/engine";
import { matchStandard, parseStandardHeaders } from "../engine/standard-scheme";
import {
  SIGNATURE_HEADER,
  WEBHOOK_ID_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
  WEBHOOK_TIMESTAMP_HEADER,
} from "../protocol/headers";
import { isWellFormedSignature } from "../protocol/is-well-formed-signature";
import { parseWebhookPayload } from "../protocol/payload";
import { isValidMessageId, parseTimestamp } from "../protocol/standard-message";
import { AttestaVerificationError } from "../protocol/verification-error";
import type { ResolvedOptions } from "./resolve-options";

/** What the algorithm needs from a request. */
export interface DeliveryRequest {
  /** A header value; `undefined` when absent or empty. */
  header(name: string): string | undefined;
  /** The raw body, refusing more than `limit` bytes with `payload_too_large`. */
  body(limit: number): Promise<Uint8Array>;
}

/** A delivery that passed every check. */
export interface VerifiedDelivery {
  payload: WebhookPayload;
  /** Keys the replay store is asked about and, after a 2xx, given. */
  replayKeys: string[];
}

const attestaReplayKey = (signature: string) => `attesta:${signature.slice(7)}`;

function invalid(header: string): AttestaVerificationError {
  return new AttestaVerificationError(
    "invalid_signature",
    `Invalid ${header} header: it does not match the request body.`,
  );
}

/** The rejection of a Standard Webhooks message whose headers are not well formed, naming the bad one. */
function malformed(id: string, timestamp: string): AttestaVerificationError {
  if (parseTimestamp(timestamp) === undefined) {
    return new AttestaVerificationError(
      "invalid_signature",
      `Malformed ${WEBHOOK_TIMESTAMP_HEADER} header: expected whole Unix seconds (decimal digits).`,
    );
  }
  if (!isValidMessageId(id)) {
    return new AttestaVerificationError(
      "invalid_signature",
      `Malformed ${WEBHOOK_ID_HEADER} header: expected 1 to 256 characters without ".".`,
    );
  }
  return invalid(WEBHOOK_SIGNATURE_HEADER);
}

async function verifyStandard(
  engine: Engine,
  options: ResolvedOptions<unknown>,
  request: DeliveryRequest,
): Promise<VerifiedDelivery> {
  const headers = {
    id: request.header(WEBHOOK_ID_HEADER),
    timestamp: request.header(WEBHOOK_TIMESTAMP_HEADER),
    signature: request.header(WEBHOOK_SIGNATURE_HEADER),
  };
  const parsed = parseStandardHeaders(headers, options.toleranceSec, Date.now() / 1000);
  if (parsed === "missing") {
    throw new AttestaVerificationError(
      "missing_signature",
      `Missing ${WEBHOOK_ID_HEADER}, ${WEBHOOK_TIMESTAMP_HEADER} or ${WEBHOOK_SIGNATURE_HEADER} header.`,
    );
  }
  if (parsed === "malformed") throw malformed(headers.id ?? "", headers.timestamp ?? "");
  if (parsed === "expired") {
    throw new AttestaVerificationError(
      "expired",
      `${WEBHOOK_TIMESTAMP_HEADER} is more than ${options.toleranceSec} s from this server's clock.`,
    );
  }
  const body = await request.body(options.maxBodyBytes);
  if (!(await matchStandard(engine, body, parsed, options.standardKeys))) {
    throw invalid(WEBHOOK_SIGNATURE_HEADER);
  }
  const replayKeys = [`webhook-id:${parsed.id}`];
  // A delivery sent with both schemes must not be replayable through the other one.
  const attesta = request.header(SIGNATURE_HEADER);
  if (isWellFormedSignature(attesta)) replayKeys.push(attestaReplayKey(attesta));
  return { payload: parseWebhookPayload(body), replayKeys };
}

function assertFresh(payload: WebhookPayload, maxAgeSec: number | false): void {
  if (maxAgeSec === false) return;
  const sentAt = Date.parse(payload.timestamp);
  if (Number.isNaN(sentAt)) {
    throw new AttestaVerificationError(
      "invalid_payload",
      "Request body timestamp is not an ISO 8601 date, so its age cannot be checked.",
    );
  }
  if (Date.now() - sentAt > maxAgeSec * 1000) {
    throw new AttestaVerificationError(
      "expired",
      `Delivery is older than maxAgeSec (${maxAgeSec} s): a replay, or a retry past the sender's schedule.`,
    );
  }
}

async function verifyAttesta(
  engine: Engine,
  options: ResolvedOptions<unknown>,
  request: DeliveryRequest,
): Promise<VerifiedDelivery> {
  const signature = request.header(SIGNATURE_HEADER);
  if (signature === undefined) {
    throw new AttestaVerificationError("missing_signature", `Missing ${SIGNATURE_HEADER} header.`);
  }
  // A malformed header is refused before the body is read.
  if (!isWellFormedSignature(signature)) throw invalid(SIGNATURE_HEADER);
  const body = await request.body(options.maxBodyBytes);
  if (!(await verifyAttestaSignature(engine, body, signature, options.attestaSecrets))) {
    throw invalid(SIGNATURE_HEADER);
  }
  const payload = parseWebhookPayload(body);
  assertFresh(payload, options.maxAgeSec);
  return { payload, replayKeys: [attestaReplayKey(signature)] };
}

/**
 * Verifies one delivery. Under `"any"`, a request carrying
 * `webhook-signature` is checked as Standard Webhooks, any other as Attesta.
 *
 * @throws AttestaVerificationError for every rejection (401, 400, 413, 500).
 * @example
 * ```ts
 * const { payload, replayKeys } = await verifyDelivery(nodeEngine, resolved, request);
 * ```
 */
export function verifyDelivery(
  engine: Engine,
  options: ResolvedOptions<unknown>,
  request: DeliveryRequest,
): Promise<VerifiedDelivery> {
  const standard =
    options.scheme === "standard-webhooks" ||
    (options.scheme === "any" && request.header(WEBHOOK_SIGNATURE_HEADER) !== undefined);
  return standard
    ? verifyStandard(engine, options, request)
    : verifyAttesta(engine, options, request);
}
