/**
 * The wait of `removeEndpoint(id, { drain: true })`. What this process holds
 * for the endpoint must settle; on a store that several processes share, the
 * endpoint is first marked as retiring (every process stops routing events to
 * it) and the wait goes on until no process owes it anything, so the removal
 * resolves when the endpoint's deliveries are done everywhere, not only here.
 * A disabled endpoint cannot drain: the wait ends, and the caller
 * dead-letters what is left.
 *
 * @module
 */
import type { EndpointScheduler } from "../scheduler/endpoint-scheduler";
import type { DeliveryStore } from "../store/delivery-store";

/** How often the shared store is asked what the other processes still owe. */
const RECHECK_MS = 100;

export interface DrainDeps {
  readonly store: DeliveryStore;
  waitFor(done: () => boolean): Promise<void>;
  log(level: "warn" | "error", message: string, fields: Record<string, unknown>): void;
}

/** Resolves `true` when everything owed was settled, `false` when the endpoint was disabled first. */
export async function drainEndpoint(
  deps: DrainDeps,
  id: string,
  loop: EndpointScheduler | undefined,
  shared: boolean,
): Promise<boolean> {
  const { store } = deps;
  const disabled = () => loop?.health.disabled !== undefined;
  const everywhere = shared && retire(deps, id);
  // Disabled while draining (410 Gone, say): it cannot drain any more.
  await deps.waitFor(() => disabled() || (store.pendingCount(id) === 0 && (loop?.idle ?? true)));
  if (store.pendingCount(id) > 0) return false;
  if (!everywhere) return true;
  while (!disabled() && owedElsewhere(store, id)) {
    await new Promise((resolve) => setTimeout(resolve, RECHECK_MS));
  }
  return !disabled();
}

/** Whether the store took the mark; a store that cannot share or refused drains locally. */
function retire(deps: DrainDeps, id: string): boolean {
  const { store } = deps;
  if (store.retireEndpoint === undefined || store.pendingEverywhere === undefined) return false;
  try {
    store.retireEndpoint(id);
    return true;
  } catch (error) {
    deps.log("warn", `endpoint "${id}" drains only what this process holds`, {
      endpointId: id,
      error,
    });
    return false;
  }
}

/** Unanswerable (the database is down): still owed, asked again later. */
function owedElsewhere(store: DeliveryStore, id: string): boolean {
  try {
    return (store.pendingEverywhere?.(id) ?? 0) > 0;
  } catch {
    return true;
  }
}
