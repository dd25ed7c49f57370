/**
 * The framework-independent half of every middleware: signature, then JSON.
 *
 * @module
 */
import type { WebhookPayload } from "@attesta/events";
import { assertSignaturePresent } from "./assert-signature-present";
import { SIGNATURE_HEADER } from "./constants";
import type { SecretOrSecrets } from "./types";
import { AttestaVerificationError } from "./verification-error";

/** The verification function of the current build (node:crypto or portable). */
export type VerifyFn = (
  body: Uint8Array,
  signature: string | null | undefined,
  secret: SecretOrSecrets,
) => boolean;

const decoder = new TextDecoder("utf-8", { fatal: true });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Checks the signature over the raw bytes and only then parses them as an
 * Attesta payload. The bytes are never re-serialised.
 *
 * @throws AttestaVerificationError with status 401 (signature) or 400 (body).
 * @example
 * ```ts
 * const payload = parseDelivery(rawBody, req.headers["x-attesta-signature"], secret, verifySignature);
 * ```
 */
export function parseDelivery(
  body: Uint8Array,
  signature: string | null | undefined,
  secret: SecretOrSecrets,
  verify: VerifyFn,
): WebhookPayload {
  assertSignaturePresent(signature);
  if (!verify(body, signature, secret)) {
    throw new AttestaVerificationError(
      "invalid_signature",
      `Invalid ${SIGNATURE_HEADER} header: it does not match the request body.`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch (cause) {
    throw new AttestaVerificationError("invalid_json", "Request body is not valid UTF-8 JSON.", {
      cause,
    });
  }
  if (
    !isRecord(value) ||
    typeof value.event !== "string" ||
    typeof value.timestamp !== "string" ||
    !isRecord(value.data)
  ) {
    throw new AttestaVerificationError(
      "invalid_payload",
      'Request body is not an Attesta webhook payload ({"event", "timestamp", "data"}).',
    );
  }
  return value as WebhookPayload;
}
