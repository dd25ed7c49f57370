/**
 * How the dispatcher connects its parts: what the scheduler and the store
 * report, and where it goes. Internal to the dispatcher.
 *
 * @module
 */
import { randomUUID } from "node:crypto";
import type { DispatchableEvent } from "../dispatchable-event";
import { bodyFailureReason, WebhookDeliveryError } from "../errors";
import { toDeadLetter } from "../reporting/dead-letter";
import type { DeadLetter } from "../reporting/hook-payloads";
import type { FailureSummary, OperatorEvent } from "../reporting/operator-events";
import type { Reporter } from "../reporting/reporter";
import type { Endpoint } from "../router/endpoint";
import type { PayloadBytes } from "../router/payload-bytes";
import type { Router } from "../router/router";
import type { SchedulerWiring } from "../scheduler/scheduler-wiring";
import type { DeliveryStore, StoreContext, StoredEndpoint } from "../store/delivery-store";
import { summarizeFailure } from "../transport/failure-summary";

/** What the wiring reads from the dispatcher and reports to it. */
export interface WiringDeps {
  readonly store: DeliveryStore;
  readonly router: Router;
  readonly reporter: Reporter;
  /**
   * Hands a dead letter to the hook (and to the close report while closing),
   * and reports `delivery.dead` with the last failure.
   */
  deadLettered(letter: DeadLetter, endpoint: Endpoint, last: FailureSummary | undefined): void;
  /** Emits an operator event on `dispatcher.events`. */
  emit(event: OperatorEvent): void;
  /** Something settled: flush() and close() check again. */
  settled(): void;
  /** The store made deliveries pending by itself (a redelivery requested by another process): lease again. */
  wake(): void;
  /** Another process sharing the store changed the endpoints it keeps: apply what differs. */
  endpointsChanged(endpoints: readonly StoredEndpoint[]): void;
  /** Whether this process can deliver the endpoint (see `StoreContext.delivers`). */
  delivers(endpointId: string): boolean;
}

/** What the per-endpoint loops report, turned into hooks, counters and dead letters. */
export function createSchedulerWiring(deps: WiringDeps): SchedulerWiring {
  const { reporter } = deps;
  return {
    store: deps.store,
    now: Date.now,
    attempted: (endpoint, delivery, attemptNumber, outcome, retryInMs) =>
      reporter.attempted(endpoint, delivery, attemptNumber, outcome, retryInMs),
    deadLettered: (endpoint, delivery, reason, attempts, last) =>
      deps.deadLettered(
        toDeadLetter(endpoint, {
          deliveryId: delivery.id,
          body: delivery.body,
          reason,
          attempts,
          status: last?.status,
          error: last?.error,
        }),
        endpoint,
        last === undefined
          ? undefined
          : summarizeFailure({
              errorKind: last.errorKind,
              status: last.status,
              error: last.error,
              responseBody: last.responseBody,
            }),
      ),
    operatorEvent: (event) => deps.emit(event),
    settled: () => deps.settled(),
    crashed: (endpoint, delivery, error) =>
      reporter.log("error", "recording a delivery attempt failed", {
        endpoint: endpoint.config.label,
        deliveryId: delivery.id,
        error,
      }),
  };
}

/** What the store gets at `open`: the serialiser, ids, the clock, per-endpoint bounds, and where to report. */
export function createStoreContext(deps: WiringDeps, payloads: PayloadBytes): StoreContext {
  const { router, reporter } = deps;
  // An event routed to one endpoint is serialised once anyway: only shared bytes are kept.
  const render = ((event: DispatchableEvent, endpointId: string, text?: true) => {
    const format = router.endpoint(endpointId)?.config.format;
    const shared = router.routesMany(event.type);
    if (text === true && format === undefined && !shared) return payloads.text(event);
    return payloads.bodyFor(event, format, endpointId, shared);
  }) as StoreContext["render"];
  return {
    serialize: ((event: DispatchableEvent, endpointId: string, text?: true) => {
      const made = render(event, endpointId, text as true);
      return typeof made === "string" ? made : made.body;
    }) as StoreContext["serialize"],
    render,
    mintId: randomUUID,
    now: Date.now,
    limits: (endpointId) => {
      const config = router.endpoint(endpointId)?.config;
      return {
        maxPending: config?.maxQueueSize ?? 10_000,
        overflow: config?.overflow ?? "drop-oldest",
      };
    },
    onUnserializable: (record, cause, event) => {
      const endpoint = router.endpoint(record.endpointId);
      if (endpoint === undefined) return;
      endpoint.countFailed();
      const label = endpoint.config.label;
      const why = cause instanceof Error ? cause.message : String(cause);
      const message = `${label}: event data cannot be sent: ${why}`;
      const error = new WebhookDeliveryError(message, {
        endpoint: label,
        deliveryId: record.id,
        attempt: 0,
        cause,
      });
      deps.deadLettered(
        toDeadLetter(endpoint, {
          deliveryId: record.id,
          body: record.body,
          event,
          reason: bodyFailureReason(cause),
          attempts: record.attempts,
          error,
        }),
        endpoint,
        { kind: bodyFailureReason(cause), message },
      );
    },
    wake: () => deps.wake(),
    endpointsChanged: (endpoints) => deps.endpointsChanged(endpoints),
    delivers: (endpointId) => deps.delivers(endpointId),
    onWarning: (warning) => reporter.storeWarning(warning),
    onCommitError: (error, lost) =>
      reporter.log(
        "error",
        lost > 0
          ? `the ${deps.store.kind} store failed to commit; ${lost} delivery(ies) never reached it and are lost`
          : `the ${deps.store.kind} store failed to commit`,
        { error, lost },
      ),
    onStoreFailing: (error, uncommitted) => {
      const store = deps.store.kind;
      reporter.log(
        "error",
        `the ${store} store cannot commit; delivery pauses and ${uncommitted} delivery(ies) wait in memory until a retry succeeds`,
        { error, uncommitted },
      );
      deps.emit({ name: "store.failing", data: { store, error, uncommitted, since: Date.now() } });
    },
    onStoreRecovered: (since) => {
      const store = deps.store.kind;
      const downMs = Date.now() - since;
      reporter.log("warn", `the ${store} store commits again after ${downMs} ms`, { downMs });
      deps.emit({ name: "store.recovered", data: { store, since, downMs } });
    },
  };
}
