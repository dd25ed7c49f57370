/** Where a delivery is in its life. Only `pending` deliveries are ever sent. */
export type DeliveryStatus = "pending" | "delivered" | "dead";

/**
 * Why a delivery was given up: every attempt failed (`exhausted`), the
 * receiver refused it for good (`rejected`, a 4xx other than 408/429),
 * `close()` gave up on it (`closed`), its data is not JSON (`unserializable`),
 * the connection was refused by the network policy (`blocked_address`),
 * its endpoint was removed without draining (`removed`), or its endpoint was
 * disabled when `close()` ran on a store that cannot keep it for a later
 * process (`disabled`, the memory store), or it waited longer than its
 * endpoint's `expireAfterMs` (`expired`).
 */
export type DeadReason =
  | "exhausted"
  | "rejected"
  | "closed"
  | "unserializable"
  | "format_failed"
  | "blocked_address"
  | "removed"
  | "disabled"
  | "expired";

/** Why an endpoint was disabled. */
export type DisableReason =
  /**
   * It answered 410 Gone, or a chat service said the destination is gone for
   * good (Slack 404 `channel_not_found`/`no_service`, 410
   * `channel_is_archived`; Discord 404 `10015 Unknown Webhook`): its code is
   * then the disabled endpoint's `receiverCode`.
   */
  | "gone"
  /** Every attempt failed for longer than `disableAfterMs`. */
  | "failing"
  /** `disableEndpoint(id)` was called. */
  | "manual"
  /**
   * Restored from a durable store without its secret (the `secrets` option
   * gave none): kept off so that it never sends unsigned requests. Fix:
   * `updateEndpoint(id, { secret })`.
   */
  | "secret_missing";

/** What kind of failure an attempt ended with; stored, so it is a plain string. */
export type AttemptErrorKind =
  | "http_status"
  | "timeout"
  | "connection"
  | "blocked_address"
  | "aborted"
  | "unserializable";

/** One HTTP attempt, as recorded. */
export interface AttemptRecord {
  /** 1 for the first attempt, 2 for the first retry, … (counted over the delivery's whole life). */
  readonly attempt: number;
  /** Epoch ms when the request started. */
  readonly startedAt: number;
  readonly durationMs: number;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** Set when the attempt failed. */
  readonly errorKind?: AttemptErrorKind;
  /** Human-readable reason; never contains a secret. */
  readonly errorMessage?: string;
  /** The first bytes of the response body (4 KiB at most), as UTF-8 text. */
  readonly responseBody?: string;
}

/** A delivery as the store reports it to `deliveries.get/list`. */
export interface DeliveryRecord {
  /** Minted once; the `X-Attesta-Delivery` and `webhook-id` of every attempt. */
  readonly id: string;
  readonly endpointId: string;
  /** Upper-case event name, as in the body (`"APPROVED"`). */
  readonly event: string;
  /** The exact body bytes that are signed and sent. */
  readonly body: Uint8Array;
  /** The `Content-Type` it is sent with, when its format set one; absent: `application/json`. */
  readonly contentType?: string;
  /** Extra request headers its format set (names lower-case); absent: none. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly status: DeliveryStatus;
  /** Attempts made so far, over every series (a redelivery continues the count). */
  readonly attempts: number;
  /** Epoch ms of routing. */
  readonly createdAt: number;
  /** Epoch ms of the next attempt, while pending. */
  readonly nextAttemptAt?: number;
  /** Epoch ms when it became delivered or dead. */
  readonly settledAt?: number;
  readonly deadReason?: DeadReason;
  /** Every attempt, oldest first (bounded by the store's retention). */
  readonly attemptLog: readonly AttemptRecord[];
}
