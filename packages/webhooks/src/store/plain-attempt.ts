/**
 * The copy of an attempt record that a store keeps.
 *
 * @module
 */
import type { AttemptRecord } from "./delivery-store";

/**
 * Only the fields of an `AttemptRecord`, the optional ones only when set,
 * whatever else the caller's object carries (the transport's outcome holds
 * an error with its stack). Built by assignment rather than by spreading
 * optional parts: it runs once per attempt.
 */
export function plainAttempt(attempt: AttemptRecord): AttemptRecord {
  const record: { -readonly [K in keyof AttemptRecord]: AttemptRecord[K] } = {
    attempt: attempt.attempt,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
  };
  const { status, errorKind, errorMessage, responseBody } = attempt;
  if (status !== undefined) record.status = status;
  if (errorKind !== undefined) record.errorKind = errorKind;
  if (errorMessage !== undefined) record.errorMessage = errorMessage;
  if (responseBody !== undefined) record.responseBody = responseBody;
  return record;
}
