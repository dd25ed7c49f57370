/**
 * What one HTTP attempt produced: the transport's only output.
 *
 * @module
 */

import type { WebhookDeliveryError } from "../errors";
import type { AttemptErrorKind, AttemptRecord } from "../store/delivery-store";

/** Response body bytes kept on an outcome, and so in the attempt record. */
export const RESPONSE_CAPTURE_BYTES = 4096;

/**
 * How an attempt ended. Fields that do not apply are `undefined`. It is an
 * `AttemptRecord` too (attempt number, times, status, error kind and message,
 * response text), so a successful attempt is recorded without a copy.
 */
export interface AttemptOutcome extends AttemptRecord {
  /** The attempt number of the request, counted over the delivery's whole life. */
  readonly attempt: number;
  /** Epoch ms when the request started. */
  readonly startedAt: number;
  /** From the start of the request until the response was read or the attempt failed. */
  readonly durationMs: number;
  /** HTTP status, when a response arrived. */
  readonly status: number | undefined;
  readonly error: WebhookDeliveryError | undefined;
  readonly errorKind: AttemptErrorKind | undefined;
  /** `error.message`: never a secret (URLs are origin and path only). */
  readonly errorMessage: string | undefined;
  /** Whether the failure may succeed on a later attempt (false on success). */
  readonly retryable: boolean;
  /** Wait the receiver asked for with `Retry-After`, on a retryable status. */
  readonly retryAfterMs: number | undefined;
  /** The first `RESPONSE_CAPTURE_BYTES` of the response body as UTF-8, when there was one. */
  readonly responseBody: string | undefined;
}
