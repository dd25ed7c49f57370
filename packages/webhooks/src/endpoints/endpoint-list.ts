/**
 * What `endpoints()` tells about each endpoint: config, health and what it
 * is owed, never its secret.
 *
 * @module
 */
import type { EventSelection } from "../router/route-table";
import type { Router } from "../router/router";
import type { BreakerState } from "../scheduler/circuit-breaker";
import type { EndpointHealth } from "../scheduler/endpoint-health";
import type { SchedulerRegistry } from "../scheduler/scheduler-registry";
import type { DeliveryStore, DisableReason } from "../store/delivery-store";

/** One endpoint as `endpoints()` describes it. Never contains the secret. */
export interface EndpointInfo {
  readonly id: string;
  /** The URL as configured. */
  readonly url: string;
  /** Event names it receives, or `"all"`. */
  readonly events: EventSelection;
  /** Whether requests carry a signature (a secret is set). */
  readonly signed: boolean;
  readonly state: "enabled" | "disabled";
  readonly disabledReason?: DisableReason;
  /** With `disabledReason: "gone"` from a chat service: its code (`"channel_not_found"`, `"10015"`). */
  readonly disabledReceiverCode?: string;
  /** Epoch ms when it was disabled (before a restart, for a state a durable store gave back). */
  readonly disabledSince?: number;
  /** The circuit breaker: `closed` is healthy. */
  readonly circuit: BreakerState;
  /** Deliveries owed to it (waiting, sending or waiting to retry). */
  readonly pending: number;
}

export function describeEndpoints(parts: {
  readonly router: Router;
  readonly scheduler: SchedulerRegistry;
  readonly store: DeliveryStore;
}): EndpointInfo[] {
  return parts.router.endpoints.map((endpoint) => {
    const health = parts.scheduler.loop(endpoint.id)?.health;
    const disabled = health?.disabled;
    return {
      id: endpoint.id,
      url: endpoint.config.shownUrl,
      events: endpoint.config.events,
      signed: endpoint.config.secret !== undefined,
      state: disabled === undefined ? "enabled" : "disabled",
      ...(disabled === undefined ? {} : disabledFields(disabled, health)),
      circuit: health?.state ?? "closed",
      pending: parts.store.pendingCount(endpoint.id),
    };
  });
}

function disabledFields(reason: DisableReason, health: EndpointHealth | undefined) {
  const code = health?.disabledReceiverCode;
  return {
    disabledReason: reason,
    ...(code === undefined ? {} : { disabledReceiverCode: code }),
    disabledSince: health?.disabledSince,
  };
}
