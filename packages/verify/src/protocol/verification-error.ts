/**
 * The error every middleware reports a rejected delivery with.
 *
 * @module
 */
import { assertKnownKeys } from "./strict-options";

/** Why a delivery was rejected. */
export type VerificationErrorCode =
  | "missing_signature"
  | "invalid_signature"
  | "expired"
  | "payload_too_large"
  | "invalid_json"
  | "invalid_payload"
  | "body_read_failed"
  | "body_already_parsed";

/** HTTP status for each rejection reason. */
const STATUS: Record<VerificationErrorCode, 400 | 401 | 413 | 500> = {
  missing_signature: 401,
  invalid_signature: 401,
  expired: 401,
  payload_too_large: 413,
  invalid_json: 400,
  invalid_payload: 400,
  body_read_failed: 400,
  body_already_parsed: 500,
};

/**
 * A webhook delivery the middleware refused. `status` is the HTTP status the
 * default response uses and `message` its `{ "error": … }` text; `code` is
 * stable for programmatic handling in a custom `onError`.
 *
 * @example
 * ```ts
 * import { AttestaVerificationError } from "@attesta/verify";
 *
 * const error = new AttestaVerificationError("invalid_signature", "Invalid signature.");
 * error.status; // 401
 * ```
 */
export class AttestaVerificationError extends Error {
  override readonly name = "AttestaVerificationError";
  readonly code: VerificationErrorCode;
  readonly status: 400 | 401 | 413 | 500;

  constructor(code: VerificationErrorCode, message: string, options?: { cause?: unknown }) {
    if (options !== undefined) {
      assertKnownKeys(options, ["cause"], "new AttestaVerificationError(code, message, options)");
    }
    super(message, options);
    this.code = code;
    this.status = STATUS[code];
  }
}
