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
  readonly attemptLog: AttemptRecord[] = [];

  constructor(
    readonly id: string,
    readonly endpointId: string,
    /** The event as enqueued: kept for the dead letter and the drop report. */
    readonly source: DispatchableEvent,
    /** Order of acceptance within the endpoint, for `flush()`; see `EndpointQueue`. */
    public seq: number,
  ) {}

  /** Upper-case event name, as in the body. */
  get event(): string {
    return this.source.type.toUpperCase();
  }

  /** Routing time: the bus stamps every event as it is emitted. */
  get createdAt(): number {
    return this.source.timestamp;
  }

  /** Appends one attempt, keeping the newest ones past the bound. */
  log(attempt: AttemptRecord): void {
    if (this.attemptLog.length === MAX_ATTEMPT_LOG) this.attemptLog.shift();
    this.attemptLog.push(attempt);
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
      attemptLog: this.attemptLog.slice(),
    };
  }
}
