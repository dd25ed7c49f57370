/**
 * The short, safe description of a failed attempt that operator events and
 * dead letters carry.
 *
 * @module
 */

import { WebhookResponseError } from "../errors";
import type { FailureSummary } from "../reporting/operator-events";
import { readReceiverError } from "./receiver-error";

/** What is known about a failed attempt. */
export interface FailedAttempt {
  readonly errorKind: string | undefined;
  readonly status: number | undefined;
  readonly error: Error | undefined;
  /** The first bytes of the response body, as text. */
  readonly responseBody: string | undefined;
}

/**
 * Builds a {@link FailureSummary}, with the receiver's own `error.code` and
 * message when its response body has them. `undefined` for a success.
 *
 * @example
 * ```ts
 * summarizeFailure({ errorKind: "http_status", status: 401, error, responseBody: '{"error":"Invalid signature."}' });
 * // { kind: "http_status", status: 401, message: "… answered HTTP 401 …", receiverMessage: "Invalid signature." }
 * ```
 */
export function summarizeFailure(attempt: FailedAttempt): FailureSummary | undefined {
  const { errorKind, status, error, responseBody } = attempt;
  if (error === undefined && errorKind === undefined) return undefined;
  // The transport read the receiver's answer with the endpoint's service in mind; the body alone is the fallback.
  const receiver =
    error instanceof WebhookResponseError && error.receiverCode !== undefined
      ? { code: error.receiverCode, message: error.receiverMessage }
      : status === undefined
        ? undefined
        : readReceiverError(responseBody);
  return {
    kind: errorKind ?? "unknown",
    ...(status === undefined ? {} : { status }),
    message: error?.message ?? errorKind ?? "failed",
    ...(receiver?.code === undefined ? {} : { receiverCode: receiver.code }),
    ...(receiver?.message === undefined ? {} : { receiverMessage: receiver.message }),
  };
}
