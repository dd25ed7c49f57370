/**
 * One delivery as the memory store keeps it. Internal to the memory store.
 *
 * @module
 */
import type { DispatchableEvent } from "../types";
import type {
  AttemptRecord,
  DeadReason,
  DeliveryRecord,
  DeliveryStatus,
  LeasedDelivery,
} from "./delivery-store";

const NO_BODY = new Uint8Array(0);

// Upper-case event names, made once per type rather than once per delivery.
const UPPER_CASE = new Map<string, string>();

function upperCase(type: string): string {
  let upper = UPPER_CASE.get(type);
  if (upper === undefined) {
    upper = type.toUpperCase();
    if (UPPER_CASE.size < 256) UPPER_CASE.set(type, upper);
  }
  return upper;
}

/** Only the fields of an `AttemptRecord`, the optional ones only when set. */
function plainAttempt(attempt: AttemptRecord): AttemptRecord {
  const { errorKind, errorMessage, responseBody, status } = attempt;
  return {
    attempt: attempt.attempt,
    startedAt: attempt.startedAt,
    durationMs: attempt.durationMs,
    ...(status === undefined ? {} : { status }),
    ...(errorKind === undefined ? {} : { errorKind }),
    ...(errorMessage === undefined ? {} : { errorMessage }),
    ...(responseBody === undefined ? {} : { responseBody }),
  };
}

// A redelivery loop must not grow one record without bound.
const MAX_ATTEMPT_LOG = 50;

/**
 * A minted delivery: mutable inside the store, handed to the scheduler as a
 * read-only `LeasedDelivery`, copied for `get` and `list`.
 */
export class MemoryDelivery implements LeasedDelivery {
  status: DeliveryStatus = "pending";
  body: Uint8Array = NO_BODY;
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
  readonly attemptLog: AttemptRecord[] = [];
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
    this.event = upperCase(source.type);
    this.createdAt = source.timestamp;
  }

  /**
   * Appends one attempt, keeping the newest ones past the bound. A failed
   * attempt is copied field by field, so that nothing else the caller's
   * object carries (an error with its stack) stays alive in the store.
   */
  log(attempt: AttemptRecord): void {
    if (this.attemptLog.length === MAX_ATTEMPT_LOG) this.attemptLog.shift();
    this.attemptLog.push(attempt.errorKind === undefined ? attempt : plainAttempt(attempt));
  }

  /** A detached copy for callers outside the store. */
  toRecord(): DeliveryRecord {
    return {
      id: this.id,
      endpointId: this.endpointId,
      event: this.event,
      body: this.body,
      status: this.status,
      attempts: this.attempts,
      createdAt: this.createdAt,
      ...(this.status === "pending" && this.nextAttemptAt !== undefined
        ? { nextAttemptAt: this.nextAttemptAt }
        : {}),
      ...(this.settledAt === undefined ? {} : { settledAt: this.settledAt }),
      ...(this.deadReason === undefined ? {} : { deadReason: this.deadReason }),
      attemptLog: this.attemptLog.map(plainAttempt),
    };
  }
}
