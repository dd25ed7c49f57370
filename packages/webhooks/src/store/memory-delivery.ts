/**
 * One delivery as the memory store keeps it. Internal to the memory store.
 *
 * @module
 */

import type { DispatchableEvent } from "../dispatchable-event";
import type { FormattedBody } from "../format/formatted-body";
import { eventName } from "../router/to-webhook-payload";
import type {
  AttemptRecord,
  DeadReason,
  DeliveryRecord,
  DeliveryStatus,
  LeasedDelivery,
} from "./delivery-store";
import { plainAttempt } from "./plain-attempt";

const NO_BODY = new Uint8Array(0);

// A redelivery loop must not grow one record without bound.
const MAX_ATTEMPT_LOG = 50;

/**
 * A minted delivery: mutable inside the store, handed to the scheduler as a
 * read-only `LeasedDelivery`, copied for `get` and `list`.
 */
export class MemoryDelivery implements LeasedDelivery {
  status: DeliveryStatus = "pending";
  body: Uint8Array = NO_BODY;
  /** Set by a custom format: sent instead of `application/json`. */
  contentType: string | undefined;
  /** Set by a custom format: extra request headers. */
  headers: Readonly<Record<string, string>> | undefined;
  /** Whether `body` holds the serialised event yet. */
  serialized = false;
  attempts = 0;
  attemptsInSeries = 0;
  nextAttemptAt: number | undefined;
  settledAt: number | undefined;
  deadReason: DeadReason | undefined;
  leased = false;
  /** Slot in its endpoint's `HeldList`, or -1. */
  heldIndex = -1;
  /** Times it sits in the store's ring of settled deliveries (a redelivery settles it again). */
  settledEntries = 0;
  /**
   * Attempts, oldest first. Made with the first attempt at its exact size: a
   * settled delivery stays in memory, and an empty array that grows on its
   * first push holds room for 16.
   */
  private attemptLog: AttemptRecord[] | undefined;
  /** Upper-case event name, as in the body. */
  readonly event: string;
  /** Routing time: the bus stamps every event as it is emitted. */
  readonly createdAt: number;
  /**
   * The event as enqueued, until the body is made: needed to serialise it and
   * for the drop report. Let go of afterwards, so a kept record holds bytes,
   * not the event's object graph.
   */
  source: DispatchableEvent | undefined;

  constructor(
    readonly id: string,
    readonly endpointId: string,
    source: DispatchableEvent,
    /** Order of acceptance within the endpoint, for `flush()`; see `EndpointQueue`. */
    public seq: number,
  ) {
    this.source = source;
    this.event = eventName(source.type);
    this.createdAt = source.timestamp;
  }

  /** Keeps the body its format made, and what travels with it. */
  formatted(output: FormattedBody): void {
    this.body = output.body;
    this.contentType = output.contentType;
    this.headers = output.headers;
    this.serialized = true;
  }

  /**
   * Appends a field-by-field copy of one attempt, keeping the newest ones
   * past the bound, so that nothing else the caller's object carries (an
   * error with its stack) stays alive in the store.
   */
  log(attempt: AttemptRecord): void {
    const record = plainAttempt(attempt);
    const log = this.attemptLog;
    if (log === undefined) {
      this.attemptLog = [record];
      return;
    }
    if (log.length === MAX_ATTEMPT_LOG) log.shift();
    log.push(record);
  }

  /** A detached copy for callers outside the store. */
  toRecord(): DeliveryRecord {
    return {
      id: this.id,
      endpointId: this.endpointId,
      event: this.event,
      body: this.body,
      ...(this.contentType === undefined ? {} : { contentType: this.contentType }),
      ...(this.headers === undefined ? {} : { headers: this.headers }),
      status: this.status,
      attempts: this.attempts,
      createdAt: this.createdAt,
      ...(this.status === "pending" && this.nextAttemptAt !== undefined
        ? { nextAttemptAt: this.nextAttemptAt }
        : {}),
      ...(this.settledAt === undefined ? {} : { settledAt: this.settledAt }),
      ...(this.deadReason === undefined ? {} : { deadReason: this.deadReason }),
      attemptLog: this.attemptLog === undefined ? [] : this.attemptLog.map(plainAttempt),
    };
  }
}
