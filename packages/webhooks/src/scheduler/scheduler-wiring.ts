/**
 * What an endpoint's scheduling loop needs from the dispatcher and reports to
 * it: the store, the clock, and each attempt, dead letter, settlement, crash
 * and health change. The dispatcher's wiring implements it.
 *
 * @module
 */
import type { WebhookDeliveryError } from "../errors";
import type { OperatorEvent } from "../reporting/operator-events";
import type { Endpoint } from "../router/endpoint";
import type { DeadReason, DeliveryStore, LeasedDelivery } from "../store/delivery-store";
import type { AttemptOutcome } from "../transport/attempt-outcome";

/** What the loop reports to the dispatcher. */
export interface SchedulerWiring {
  readonly store: DeliveryStore;
  now(): number;
  /** One attempt ended; `retryInMs` is set when another follows. */
  attempted(
    endpoint: Endpoint,
    delivery: LeasedDelivery,
    attempt: number,
    outcome: AttemptOutcome,
    retryInMs: number | undefined,
  ): void;
  /**
   * A delivery ended dead after `attempts` attempts in all. `last` is its
   * last failed attempt in this process, when there was one.
   */
  deadLettered(
    endpoint: Endpoint,
    delivery: LeasedDelivery,
    reason: DeadReason,
    attempts: number,
    last: LastFailure | undefined,
  ): void;
  /** A delivery settled or an attempt ended: flush() and close() check again. */
  settled(): void;
  /** Recording an attempt threw (a store failure or a bug): the delivery stays as the store has it. */
  crashed(endpoint: Endpoint, delivery: LeasedDelivery, error: unknown): void;
  /** Health changes: breaker, failing, recovered, disabled. */
  operatorEvent(event: OperatorEvent): void;
}

/** The last failed attempt of a delivery that waits for its retry. */
export interface LastFailure {
  readonly status: number | undefined;
  readonly error: WebhookDeliveryError | undefined;
  readonly errorKind?: AttemptOutcome["errorKind"];
  readonly responseBody?: string | undefined;
}
