/**
 * The `DeliveryAdmin` of a running dispatcher: reads what its store holds,
 * acts at once, and reports changes while someone watches.
 *
 * @module
 */

import type { WebhookDispatcher } from "../dispatcher/webhook-dispatcher";
import { invalidOption } from "../options/invalid-option";
import { checkFilter } from "./admin-query";
import type {
  AdminCapabilities,
  AdminChange,
  AdminEndpoint,
  DeliveryAdmin,
} from "./delivery-admin";
import { healthOf } from "./record-health";

const CAPABILITIES: AdminCapabilities = {
  live: true,
  redeliver: true,
  bulkRetry: true,
  toggleEndpoints: true,
  rotateSecret: true,
  deferred: false,
  notes: [],
};
/** How many recent deliveries of an endpoint its failure rate is taken over. */
const HEALTH_SAMPLE = 50;
/** How often a watched dispatcher's counters are compared, in ms. */
const WATCH_INTERVAL_MS = 1000;

/**
 * The operator's interface to a running dispatcher. It adds nothing to the
 * dispatcher's hot path: it reads on request, and watches only while a
 * `watch` listener is subscribed.
 *
 * @example
 * ```ts
 * import { dispatcherAdmin } from "@attesta/webhooks";
 *
 * const admin = dispatcherAdmin(dispatcher);
 * console.log(await admin.endpoints());
 * await admin.recover({ since: Date.now() - 3_600_000 });
 * ```
 */
export function dispatcherAdmin(dispatcher: WebhookDispatcher): DeliveryAdmin {
  const { deliveries } = dispatcher;
  const settledMatching = (filter: Parameters<DeliveryAdmin["retry"]>[0]) => {
    checkFilter(filter);
    const wanted = filter.status ?? "dead";
    if (wanted === "pending")
      throw invalidOption("retry({ status })", '"dead" or "delivered"', wanted, 'use "dead"');
    return deliveries
      .list({
        status: wanted,
        limit: Number.MAX_SAFE_INTEGER,
        ...(filter.since === undefined ? {} : { since: filter.since }),
      })
      .filter(
        (d) =>
          (filter.endpoints?.includes(d.endpointId) ?? true) &&
          (filter.event === undefined || d.event === filter.event.toUpperCase()) &&
          (filter.until === undefined || d.createdAt < filter.until),
      );
  };
  return {
    kind: "dispatcher",
    capabilities: CAPABILITIES,
    endpoints: async () =>
      dispatcher.endpoints().map(
        (endpoint): AdminEndpoint => ({
          id: endpoint.id,
          url: endpoint.url,
          events: endpoint.events,
          state: endpoint.state,
          ...(endpoint.disabledReason === undefined
            ? {}
            : { disabledReason: endpoint.disabledReason }),
          ...(endpoint.disabledReceiverCode === undefined
            ? {}
            : { disabledReceiverCode: endpoint.disabledReceiverCode }),
          circuit: endpoint.circuit,
          pending: endpoint.pending,
          signed: endpoint.signed,
          ...healthOf(deliveries.page({ endpoints: [endpoint.id], limit: HEALTH_SAMPLE }).items),
        }),
      ),
    deliveries: async (query = {}) => deliveries.page(query),
    delivery: async (id) => deliveries.get(id),
    redeliver: async (id) => dispatcher.redeliver(id),
    retry: async (filter) => {
      let count = 0;
      for (const record of settledMatching(filter)) if (dispatcher.redeliver(record.id)) count++;
      return count;
    },
    recover: async ({ since, endpoints }) => {
      let count = 0;
      for (const record of settledMatching({
        status: "dead",
        since,
        ...(endpoints === undefined ? {} : { endpoints }),
      }))
        if (dispatcher.redeliver(record.id)) count++;
      return count;
    },
    enableEndpoint: async (id) => dispatcher.enableEndpoint(id),
    disableEndpoint: async (id) => dispatcher.disableEndpoint(id),
    rotateSecret: async (id, secret) => {
      if (typeof secret !== "string" || secret.length < 16)
        throw invalidOption(
          "rotateSecret(id, secret)",
          "a string of at least 16 characters",
          "[secret]",
          "generate one with randomBytes(32)",
        );
      dispatcher.updateEndpoint(id, { secret });
      return true;
    },
    stats: async (range) => deliveries.minutes(range),
    watch: (listener) => watchDispatcher(dispatcher, listener),
    close: async () => undefined,
  };
}

/** Operator events at once, and delivery progress from the counters once a second. */
function watchDispatcher(
  dispatcher: WebhookDispatcher,
  listener: (change: AdminChange) => void,
): () => void {
  const fingerprint = () => {
    const stats = dispatcher.stats();
    return `${stats.enqueued}/${stats.attempts}/${stats.delivered}/${stats.failed}/${stats.queued}`;
  };
  let last = fingerprint();
  const timer = setInterval(() => {
    const now = fingerprint();
    if (now !== last) listener({ kind: "deliveries" });
    last = now;
  }, WATCH_INTERVAL_MS);
  timer.unref?.();
  const off = dispatcher.events.onAny((event) => {
    const endpointId = (event.data as { endpointId?: unknown }).endpointId;
    listener({ kind: "endpoints", ...(typeof endpointId === "string" ? { endpointId } : {}) });
  });
  return () => {
    clearInterval(timer);
    off();
  };
}
