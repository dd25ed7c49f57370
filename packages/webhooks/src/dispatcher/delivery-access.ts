/**
 * What the store holds, as the dispatcher exposes it: `deliveries.get/list`,
 * `redeliver` and `recover`.
 *
 * @module
 */
import { checkFilter, pageOf } from "../admin/admin-query";
import type { AdminDeliveryPage, AdminDeliveryQuery, AdminMinute } from "../admin/delivery-admin";
import { checkRange, minutesOf } from "../admin/record-health";
import { resolveListQuery, resolveRecoverQuery } from "../options/resolve-query";
import type { SchedulerRegistry } from "../scheduler/scheduler-registry";
import type { DeliveryRecord, DeliveryStore } from "../store/delivery-store";
import type { ListDeliveriesQuery, RecoverOptions } from "../types";

/** Read access to what the store holds: `dispatcher.deliveries`. */
export interface DeliveryLookup {
  /** The delivery with this id (`X-Attesta-Delivery`), while the store keeps it. */
  get(id: string): DeliveryRecord | undefined;
  /** Matching deliveries, oldest first, at most `limit` (default 100). */
  list(query?: ListDeliveriesQuery): DeliveryRecord[];
  /** One newest-first page with a keyset cursor (see `DeliveryAdmin.deliveries`). */
  page(query?: AdminDeliveryQuery): AdminDeliveryPage;
  /** Deliveries settled per minute in [since, until), as far as the store keeps them. */
  minutes(range: { since: number; until: number }): AdminMinute[];
}

/**
 * @deprecated Renamed {@link DeliveryLookup}, which says what it does; this
 * alias stays until the next major version.
 */
export type Deliveries = DeliveryLookup;

/** `dispatcher.deliveries`: queries are validated before they reach the store. */
export function createDeliveryLookup(store: DeliveryStore): DeliveryLookup {
  return {
    get: (id) => store.get(id),
    list: (query) => store.list(resolveListQuery(query)),
    page: (query = {}) => {
      checkFilter(query);
      return store.page?.(query) ?? pageOf(store.list({ limit: Number.MAX_SAFE_INTEGER }), query);
    },
    minutes: (range) => {
      checkRange(range);
      return (
        store.minutes?.(range) ?? minutesOf(store.list({ limit: Number.MAX_SAFE_INTEGER }), range)
      );
    },
  };
}

/** Sends a settled delivery again under its id; false when it cannot (see `redeliver`). */
export function redeliverOne(
  store: DeliveryStore,
  scheduler: SchedulerRegistry,
  id: string,
): boolean {
  const record = typeof id === "string" ? store.get(id) : undefined;
  if (record === undefined || scheduler.loop(record.endpointId) === undefined) return false;
  if (!store.redeliver(id, Date.now())) return false;
  scheduler.wake();
  return true;
}

/** Redelivers every matching dead letter whose endpoint is still configured; returns how many. */
export function recoverDead(
  store: DeliveryStore,
  scheduler: SchedulerRegistry,
  options: RecoverOptions | undefined,
): number {
  let count = 0;
  for (const record of store.list(resolveRecoverQuery(options))) {
    if (scheduler.loop(record.endpointId) === undefined) continue;
    if (store.redeliver(record.id, Date.now())) count++;
  }
  if (count > 0) scheduler.wake();
  return count;
}
