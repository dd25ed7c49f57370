/**
 * What one delivery job holds in Redis, and what each attempt leaves there.
 * Never a secret: workers read secrets from their own endpoint configs.
 *
 * @module
 */
import type { AttemptRecord, DeadReason } from "../store/delivery-store";

/**
 * The data of a delivery job. The job id is the delivery id; the job name is
 * the upper-case event name, as in the body, so queue dashboards show it.
 */
export interface DeliveryJobData {
  /** The exact body, serialised once by the producer; every attempt sends these bytes. */
  readonly body: string;
  /** The `Content-Type` a custom format set; absent: `application/json`. */
  readonly contentType?: string;
  /** Extra request headers a custom format set (names lower-case). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Epoch ms when the producer took the delivery from its outbox. */
  readonly createdAt: number;
  /** Runs a worker's open circuit breaker postponed without an attempt. */
  readonly postponed?: number;
}

/**
 * One attempt as stored: as a job log line for a failed attempt, as the
 * job's return value for the one that delivered it.
 */
export interface StoredAttempt extends AttemptRecord {
  /** What followed the attempt. */
  readonly result: "delivered" | "retry" | "dead";
  readonly deadReason?: DeadReason;
  /** Wait before the next attempt, for `retry`. */
  readonly retryInMs?: number;
}

/** The BullMQ backoff type whose delays come from the endpoint's retry policy. */
export const BACKOFF_TYPE = "attesta";
