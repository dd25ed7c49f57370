/**
 * What the dispatcher reports: the payloads of `onAttempt`, `onDeadLetter`
 * and `onDrop`, its statistics, and the close report (public types).
 *
 * Part of reporting/, shared by the in-process dispatcher and the BullMQ
 * producer and workers (bullmq/): a change here reaches both.
 *
 * @module
 */
import type { WebhookPayload } from "@attesta/events";
import type { DispatchableEvent } from "../dispatchable-event";
import type { WebhookDeliveryError } from "../errors";
import type { DeadReason } from "../store/delivery-store";

/** Passed to `onAttempt` after every HTTP attempt. */
export interface DeliveryAttempt {
  /** The endpoint URL as configured. */
  readonly url: string;
  /** Position of the endpoint in the `configs` array. */
  readonly endpointIndex: number;
  /** The endpoint's stable id. */
  readonly endpointId: string;
  /** `X-Attesta-Delivery`: the same for every attempt of one delivery. */
  readonly deliveryId: string;
  /** Upper-case event name, as in the body (`"APPROVED"`). */
  readonly event: string;
  /** 1 for the first attempt, 2 for the first retry, … (a redelivery continues the count). */
  readonly attempt: number;
  /** `true` when the endpoint answered 2xx. */
  readonly ok: boolean;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** Why the attempt failed, when it did. */
  readonly error?: WebhookDeliveryError;
  /** From the start of the request until the response body was read or the attempt failed. */
  readonly durationMs: number;
  /** Whether another attempt follows. */
  readonly willRetry: boolean;
  /** Wait before that next attempt, when there is one. */
  readonly retryInMs?: number;
}

/**
 * Why a delivery ended undelivered: `"exhausted"` (every attempt failed),
 * `"rejected"` (a 4xx other than 408/429, which is never retried),
 * `"closed"` (`close()` gave up on it at its deadline), `"unserializable"`
 * (the event data cannot be written as JSON), `"blocked_address"` (the
 * network policy refused the connection), `"removed"` (its endpoint was
 * removed with `drain: false`) or `"disabled"` (its endpoint was disabled
 * when `close()` ran on the memory store, which cannot keep it).
 *
 * @deprecated Use `DeadReason`, the same type under the name the store and
 * `DeliveryRecord.deadReason` use; this alias will be removed in the next major.
 */
export type DeadLetterReason = DeadReason;

/** Passed to `onDeadLetter` for every delivery that will not be attempted again. */
export interface DeadLetter {
  readonly url: string;
  readonly endpointIndex: number;
  readonly endpointId: string;
  readonly deliveryId: string;
  /**
   * The full payload; `JSON.stringify(payload)` gives back the exact body that
   * was sent to an endpoint with the default format. For an endpoint with a
   * `format`, the Attesta payload of the event when it is known (else the
   * sent message as parsed), and the sent text is in `body`.
   */
  readonly payload: WebhookPayload;
  /** The exact body sent, as text, for an endpoint with a `format`. */
  readonly body?: string;
  readonly reason: DeadLetterReason;
  /** HTTP attempts made (0 when none started). */
  readonly attempts: number;
  /** Status of the last response, when there was one. */
  readonly status?: number;
  /** Error of the last attempt, when there was one. */
  readonly error?: WebhookDeliveryError;
}

/**
 * Passed to `onDrop` for every event an endpoint did not take: its queue was
 * full (`"queue_full"`), or the dispatcher was already closing (`"closed"`).
 * It runs inside `bus.emit`, so keep it cheap; `toWebhookPayload(event)` gives
 * the payload that would have been sent.
 */
export interface DroppedEvent {
  readonly url: string;
  readonly endpointIndex: number;
  readonly endpointId: string;
  /** The event that will not be delivered to this endpoint. */
  readonly event: DispatchableEvent;
  readonly reason: "queue_full" | "closed";
  /** Events this endpoint has dropped so far, this one included. */
  readonly dropped: number;
}

/** Counters of one endpoint, as returned by `stats()`. */
export interface EndpointStats {
  /** The endpoint's stable id (see `WebhookConfig.id`). */
  readonly id: string;
  readonly url: string;
  /** Events accepted into the queue. */
  readonly enqueued: number;
  /** Deliveries answered with 2xx. */
  readonly delivered: number;
  /** Deliveries handed to `onDeadLetter`. */
  readonly failed: number;
  /** Events dropped by the overflow policy or refused after close. */
  readonly dropped: number;
  /** HTTP attempts made. */
  readonly attempts: number;
  /** Attempts after the first, across all deliveries. */
  readonly retries: number;
  /** Events waiting in the queue now. */
  readonly queued: number;
  /** Deliveries started and not yet settled (sending or waiting to retry). */
  readonly inFlight: number;
}

/** What `stats()` returns: totals over all endpoints, and each endpoint's counters. */
export interface DispatcherStats extends Omit<EndpointStats, "url" | "id"> {
  /** Events the dispatcher saw after `close()` and refused. */
  readonly refused: number;
  readonly endpoints: readonly EndpointStats[];
  /** Sockets of the shared connections: open now, the most at once, and the cap. */
  readonly sockets?: { readonly open: number; readonly peak: number; readonly max: number };
  /**
   * The store: whether its commits fail now (disk full, I/O error), and how
   * many deliveries wait in memory for their first commit meanwhile.
   */
  readonly store?: {
    readonly kind: string;
    readonly failing: boolean;
    readonly uncommitted: number;
    /** A durable store's file: checked, being checked in the background, found damaged (nothing is sent), or unchecked. */
    readonly integrity?: "ok" | "checking" | "corrupt" | "unchecked";
  };
}

/**
 * What `flush()` resolves to: whether its deadline cut the wait short, and
 * what is still pending when it returned (events emitted after the call
 * included, since they are owed too).
 */
export interface FlushResult {
  /** Whether `deadlineMs` passed before everything owed at the call had settled. */
  readonly timedOut: boolean;
  /** Pending deliveries of enabled endpoints (queued, in flight, or waiting for a retry or an open breaker). */
  readonly owed: number;
  /** Pending deliveries kept for disabled endpoints, which `flush()` does not wait for. */
  readonly held: number;
  /** `owed` per enabled endpoint; endpoints owed nothing are left out. */
  readonly endpoints: readonly { readonly endpointId: string; readonly owed: number }[];
}

/**
 * What `close()` resolves to. The deliveries of a disabled endpoint are kept,
 * not owed now, so `close()` does not wait for them: a durable store
 * (SqliteStore) leaves them pending in its file for the next process, which
 * sends them once the endpoint is enabled (`kept`); the memory store cannot,
 * so they are in `undelivered` with reason `"disabled"`. At the deadline, a
 * durable store keeps everything still owed the same way (an attempt cut
 * short is recorded as `aborted`, and no dead letter is made); the memory
 * store reports it in `undelivered` with reason `"closed"`.
 */
export interface CloseReport {
  /** Deliveries that ended undelivered after `close()` was called (also passed to `onDeadLetter`). */
  readonly undelivered: readonly DeadLetter[];
  /**
   * Deliveries left pending in a durable store for the next process: those of
   * disabled endpoints, and at the deadline everything still owed. The next
   * process sends them under the same ids. Always 0 with the memory store.
   */
  readonly kept: number;
  /** Whether the deadline cut the drain short. */
  readonly timedOut: boolean;
  /** Counters at the end. */
  readonly stats: DispatcherStats;
}
