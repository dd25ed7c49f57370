/**
 * The per-endpoint metrics read at collection time: queue depth and breaker status.
 *
 * @module
 */
import type { BatchObservableResult, Meter, Observable } from "@opentelemetry/api";
import type { Endpoint } from "../router/endpoint";
import type { BreakerState } from "../scheduler/circuit-breaker";
import type { DeliveryStore } from "../store/delivery-store";

const ENDPOINT = "attesta.webhooks.endpoint";
const BREAKER_STATE = "attesta.webhooks.breaker.state";
const BREAKER_STATES: readonly BreakerState[] = ["closed", "half_open", "open"];

/** Where the gauges read from; every function is called only while a reader collects. */
export interface GaugeSources {
  /** The endpoints now: they can be added and removed while the dispatcher runs. */
  readonly endpoints: () => readonly Endpoint[];
  readonly store: DeliveryStore;
  /** The breaker state of an endpoint's delivery loop, `undefined` when it has none (yet). */
  readonly breakerState: (endpointId: string) => BreakerState | undefined;
}

/**
 * Observable instruments with one batch callback. The SDK calls it only when
 * a metric reader collects, and the API's no-op meter never does: nothing is
 * counted on the delivery path, and a breaker changing state costs nothing.
 */
export class EndpointGauges {
  private readonly queueDepth: Observable;
  private readonly breakerStatus: Observable;
  private readonly observe: (result: BatchObservableResult) => void;

  constructor(
    private readonly meter: Meter,
    sources: GaugeSources,
  ) {
    this.queueDepth = meter.createObservableGauge("attesta.webhooks.queue.depth", {
      description: "Deliveries pending per endpoint, queued or waiting for a retry.",
      unit: "{delivery}",
    });
    // A state metric as the semantic conventions define them: one series per state, 1 for the
    // current one, so a sum by state counts the endpoints in each and an average over time is
    // the share of time spent open.
    this.breakerStatus = meter.createObservableUpDownCounter("attesta.webhooks.breaker.status", {
      description:
        "Circuit breaker of each endpoint: 1 for its current attesta.webhooks.breaker.state (closed, half_open or open), 0 for the other two.",
      unit: "1",
    });
    this.observe = (result) => {
      for (const endpoint of sources.endpoints()) {
        const endpointAttribute = { [ENDPOINT]: endpoint.id };
        result.observe(this.queueDepth, sources.store.pendingCount(endpoint.id), endpointAttribute);
        const current = sources.breakerState(endpoint.id);
        if (current === undefined) continue;
        for (const state of BREAKER_STATES) {
          result.observe(this.breakerStatus, state === current ? 1 : 0, {
            ...endpointAttribute,
            [BREAKER_STATE]: state,
          });
        }
      }
    };
    meter.addBatchObservableCallback(this.observe, [this.queueDepth, this.breakerStatus]);
  }

  /** Stops observing (the dispatcher is closed). */
  close(): void {
    this.meter.removeBatchObservableCallback(this.observe, [this.queueDepth, this.breakerStatus]);
  }
}
