/**
 * `dispatcher.stats()`: every endpoint's counters and their totals.
 *
 * @module
 */
import type { DispatcherStats, EndpointStats } from "../reporting/hook-payloads";
import type { Reporter } from "../reporting/reporter";
import type { SchedulerRegistry } from "../scheduler/scheduler-registry";
import type { DeliveryStore } from "../store/delivery-store";
import type { SharedAgent } from "../transport/shared-agent";

/** Totals over every endpoint's counters. Plain loops: benchmarks and dashboards poll it often. */
export function sumStats(endpoints: readonly EndpointStats[], refused: number): DispatcherStats {
  const totals = {
    enqueued: 0,
    delivered: 0,
    failed: 0,
    dropped: 0,
    attempts: 0,
    retries: 0,
    queued: 0,
    inFlight: 0,
    refused,
    endpoints,
  };
  for (const entry of endpoints) {
    totals.enqueued += entry.enqueued;
    totals.delivered += entry.delivered;
    totals.failed += entry.failed;
    totals.dropped += entry.dropped;
    totals.attempts += entry.attempts;
    totals.retries += entry.retries;
    totals.queued += entry.queued;
    totals.inFlight += entry.inFlight;
  }
  return totals;
}

/** `dispatcher.stats()`: every endpoint's counters, their totals and the sockets. */
export function collectStats(parts: {
  readonly scheduler: SchedulerRegistry;
  readonly store: DeliveryStore;
  readonly agent: SharedAgent;
  readonly reporter: Reporter;
}): DispatcherStats {
  const { scheduler, store, agent, reporter } = parts;
  const endpoints = scheduler.loops.map(({ endpoint, inFlight }) =>
    endpoint.stats(store.pendingCount(endpoint.id) - inFlight, inFlight),
  );
  const { openSockets, peakSockets, maxSockets } = agent;
  return {
    ...sumStats(endpoints, reporter.refused),
    sockets: { open: openSockets, peak: peakSockets, max: maxSockets },
    store: {
      kind: store.kind,
      failing: store.failing ?? false,
      uncommitted: store.uncommitted ?? 0,
      ...(store.integrity === undefined ? {} : { integrity: store.integrity }),
    },
  };
}
